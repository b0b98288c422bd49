import { LockbridgeError, toLockbridgeError } from '../../core/errors';
import type { IncomingMessage } from '../connection';
import type { CommandGuard } from '../command-guard';
import type { InFlightLimiter } from '../limiter';
import type { OperationTable } from '../operations';
import { heldRequestRefusal } from '../held-requests';
import { Params, transactionOf } from '../params';
import type { BridgeContext } from './extension';
import { Extension } from './extension';

/** Operation names worth answering; anything else is dropped (no response topic from junk). */
const OPERATION_NAME = /^[a-z0-9_]+(\/[a-z0-9_]+){0,3}$/;

/**
 * Request/response in the style of zigbee2mqtt: `<base>/bridge/request/<operation>` ->
 * `<base>/bridge/response/<operation>` with {status, data, error, transaction}. Operations come from a
 * table (src/mqtt/operations), so this file never grows a switch.
 */
export class RequestsExtension extends Extension {
  constructor(
    ctx: BridgeContext,
    private readonly operations: OperationTable,
    private readonly guard: CommandGuard,
    private readonly limiter: InFlightLimiter,
  ) {
    super(ctx);
  }

  async start(): Promise<void> {
    await this.listen(this.ctx.topics.allRequests, (message) => void this.handle(message));
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const { topics, responder, logger, settings, source, connection } = this.ctx;
    const name = topics.operationOfRequest(message.topic);
    // An empty retained payload clears a retained request (ours included): nothing to answer.
    if (message.retain && message.payload.length === 0) return;
    if (!name || !OPERATION_NAME.test(name)) {
      logger.debug('Ignored a request on a malformed topic');
      return;
    }
    let transaction = transactionOf(message.payload);
    try {
      // Cluster mode: another daemon answers this one.
      if (this.ctx.gate && !(await this.ctx.gate.admit(undefined, message))) return;
      const operation = Object.prototype.hasOwnProperty.call(this.operations, name)
        ? this.operations[name]
        : undefined;
      if (!operation) throw new LockbridgeError('invalid_input', `Unknown operation "${name}"`);
      if (message.retain) {
        void connection.publish(message.topic, '', { retain: true });
        throw new LockbridgeError(
          'invalid_input',
          'Retained requests are refused; publish requests without retain',
        );
      }
      const params = Params.parse(message.payload, settings.maxPayloadBytes);
      transaction = params.transaction();
      const stale = heldRequestRefusal(name, message, settings, this.ctx.clock.now());
      if (stale) throw stale;
      const data = await this.limiter.run(() =>
        operation(params, { source, settings, guard: this.guard, message }),
      );
      await responder.ok(name, message, data, transaction);
    } catch (err) {
      const e = toLockbridgeError(err);
      // The payload is never logged: it may carry a PIN, an unlock code or a two-factor code.
      logger.warn(`Request ${name} failed: ${e.code}: ${e.message}`);
      await responder.error(name, message, e, transaction);
    }
  }
}
