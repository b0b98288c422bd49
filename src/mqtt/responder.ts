import type { LockbridgeError, SerializedError } from '../core/errors';
import type { MqttConnection, IncomingMessage } from './connection';
import type { Logger } from '../core/logger';
import { responseTopicRefusal } from './response-topic';
import type { BridgeSettings } from './settings';
import type { Topics } from './topics';
import { stripCodes } from './wire';

/** A caller's transaction id, echoed as it came (zigbee2mqtt style). */
export type Transaction = string | number;

/** `<base>/bridge/response/<operation>`. */
export interface ResponseEnvelope {
  status: 'ok' | 'error';
  data: unknown;
  error?: SerializedError;
  transaction?: Transaction;
}

/**
 * Sends the answer to a request: on `<base>/bridge/response/<operation>` for every client, and for an
 * MQTT 5 request also on its response topic with its correlation data. PIN codes are removed here,
 * the one exit every response passes through, unless publishing codes is on.
 */
export class Responder {
  constructor(
    private readonly connection: MqttConnection,
    private readonly topics: Topics,
    private readonly settings: BridgeSettings,
    private readonly logger: Logger,
  ) {}

  ok(
    operation: string,
    request: IncomingMessage | undefined,
    data: unknown,
    transaction?: Transaction,
  ): Promise<void> {
    return this.send(operation, request, { status: 'ok', data: data ?? null, transaction });
  }

  error(
    operation: string,
    request: IncomingMessage | undefined,
    error: LockbridgeError,
    transaction?: Transaction,
  ): Promise<void> {
    return this.send(operation, request, { status: 'error', data: null, error: error.toJSON(), transaction });
  }

  private async send(
    operation: string,
    request: IncomingMessage | undefined,
    envelope: ResponseEnvelope,
  ): Promise<void> {
    if (envelope.transaction === undefined) delete envelope.transaction;
    const safe = this.settings.publishCodes ? envelope : (stripCodes(envelope) as ResponseEnvelope);
    const payload = JSON.stringify(safe);
    const sends = [this.connection.publish(this.topics.response(operation), payload, { qos: 1 })];
    const responseTopic = request?.responseTopic;
    if (responseTopic !== undefined && this.connection.protocolVersion === 5) {
      const refusal = responseTopicRefusal(responseTopic, {
        base: this.topics.base,
        discoveryPrefix: this.settings.homeAssistant.prefix,
        prefix: this.settings.responseTopicPrefix,
      });
      if (refusal === undefined) {
        sends.push(
          this.connection.publish(responseTopic, payload, {
            qos: 1,
            properties: request?.correlationData ? { correlationData: request.correlationData } : undefined,
          }),
        );
      } else {
        this.logger.warn(
          `Answered ${operation} only on ${this.topics.response(operation)}, not on the response topic ${responseTopic.slice(0, 200)}: ${refusal}`,
        );
      }
    }
    await Promise.all(sends);
  }
}
