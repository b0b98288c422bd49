/**
 * The MQTT surface: the bridge (a LockSource -> a broker, with Home Assistant discovery, commands and
 * request/response) and the MQTT lock source (a broker -> the LockSource interface).
 */
export { startMqttBridge, type MqttBridge, type MqttBridgeOptions } from './bridge';
export { MqttLockSource, type MqttLockSourceOptions } from './lock-source/mqtt-lock-source';
export { Topics } from './topics';
export { OPERATION_NAMES } from './operations';
export type { ResponseEnvelope } from './responder';
export type { WireLockInfo, WireLockState } from './wire';
