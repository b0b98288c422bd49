import { LockbridgeError, toLockbridgeError } from '../../core/errors';
import { LOCK_COMMANDS } from '../../core/model';
import type { IncomingMessage } from '../connection';
import type { CommandGuard } from '../command-guard';
import type { InFlightLimiter } from '../limiter';
import type { OperationTable } from '../operations';
import { heldRequestRefusal } from '../held-requests';
import { Params, transactionOf } from '../params';
import type { BridgeContext } from './extension';
import { Extension } from './extension';

/** The lock and command a `command` request names, as far as they are well-formed (never throws). */
function commandTarget(params: Params): { lockId: string; command?: string } | undefined {
  try {
    const lockId = params.string('lock');
    let command: string | undefined;
    try {
      command = params.string('command', 16).toUpperCase();
    } catch {
      command = undefined;
    }
    // Only a known command is repeated: the field is free text and must not carry anything else out.
    const known = (LOCK_COMMANDS as readonly string[]).includes(command ?? '');
    return known ? { lockId, command } : { lockId };
  } catch {
    return undefined;
  }
}

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
    /** For a lock command: the lock and command, so its failure reaches the lock's event entity. */
    let target: { lockId: string; command?: string } | undefined;
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
      if (name === 'command') target = commandTarget(params);
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
      // As for `<lock>/set`: Home Assistant's automations see every failed lock command (code and
      // message only; the request's unlock code is never part of either).
      if (target) this.ctx.commandFailures.emit({ ...target, error: e.toJSON() });
      await responder.error(name, message, e, transaction);
    }
  }
}
