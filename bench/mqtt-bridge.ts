/**
 * Where the benchmarks take the MQTT bridge from: one line to change once src/mqtt/index.ts exports it.
 */
export { startMqttBridge, type MqttBridge } from '../src/mqtt/bridge';
