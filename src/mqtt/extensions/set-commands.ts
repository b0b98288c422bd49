import { LockbridgeError, toLockbridgeError } from '../../core/errors';
import type { IncomingMessage } from '../connection';
import type { CommandEnvelope, CommandGuard } from '../command-guard';
import type { InFlightLimiter } from '../limiter';
import { parseCommandEnvelope } from '../operations';
import { Params, transactionOf } from '../params';
import type { BridgeContext } from './extension';
import { Extension } from './extension';
import { republishState } from './state-requests';

/** STATUS (as nuki_hub takes it) reads the lock again from the vendor; it actuates nothing. */
const PLAIN_COMMANDS = new Set(['LOCK', 'UNLOCK', 'OPEN', 'STATUS']);

/**
 * `<base>/<lock>/set`: LOCK, UNLOCK, OPEN, STATUS as plain payloads (Home Assistant's, and nuki_hub's
 * STATUS), or JSON {"command", "transaction", "expires_at", "sent_at", "code"}. Every command ends in an
 * answer on `<base>/bridge/response/command` (and on an MQTT 5 response topic); a refusal is logged
 * without the payload.
 *
 * STATUS is no actuation: the hub reads the lock from the vendor (a vendor call, hence on this command
 * topic and for users who may command, with the same expiry rules), needs no unlock code, and the state
 * is published again afterwards even when nothing changed. `<base>/<lock>/get` is the free, read-only
 * way to have the known state published again.
 */
export class SetCommandsExtension extends Extension {
  constructor(
    ctx: BridgeContext,
    private readonly guard: CommandGuard,
    private readonly limiter: InFlightLimiter,
  ) {
    super(ctx);
  }

  async start(): Promise<void> {
    await this.listen(this.ctx.topics.anyLock('set'), (message) => void this.handle(message));
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const { topics, source, responder, logger, settings, connection } = this.ctx;
    const lockId = topics.lockOf(message.topic, 'set');
    // An empty payload is no command: it is how a retained message is cleared (ours included).
    if (!lockId || message.payload.length === 0) return;
    let envelope: CommandEnvelope | undefined;
    try {
      // Cluster mode: another daemon answers this one.
      if (this.ctx.gate && !(await this.ctx.gate.admit(lockId, message))) return;
      if (message.retain) {
        // Clear it so the replay stops; it is refused below like any retained command.
        void connection.publish(message.topic, '', { retain: true });
      }
      envelope = this.parse(message, lockId, settings.maxPayloadBytes);
      const parsed = envelope;
      const result = await this.limiter.run(async () => {
        const lock = await source.getLock(lockId);
        const request = this.guard.check(parsed, message, lock);
        logger.info(`${request.command} on ${lock.id} from MQTT`);
        return source.command(request);
      });
      if (result.command === 'STATUS') await republishState(this.ctx, await source.getLock(lockId));
      await responder.ok('command', message, result, envelope.transaction);
    } catch (err) {
      const e = toLockbridgeError(err);
      const transaction = envelope?.transaction ?? transactionOf(message.payload);
      logger.warn(`Refused a command on ${lockId.slice(0, 100)}: ${e.code}: ${e.message}`);
      this.ctx.commandFailures.emit({ lockId, command: envelope?.command, error: e.toJSON() });
      await responder.error('command', message, e, transaction);
    }
  }

  private parse(message: IncomingMessage, lockId: string, maxBytes: number): CommandEnvelope {
    const text = message.payload.length <= maxBytes ? message.payload.toString('utf8').trim() : '';
    if (PLAIN_COMMANDS.has(text.toUpperCase())) return { lockId, command: text.toUpperCase() };
    if (!text.startsWith('{'))
      throw new LockbridgeError(
        'invalid_input',
        'Send LOCK, UNLOCK, OPEN, STATUS or a JSON object with "command"',
        {
          lockId,
        },
      );
    return parseCommandEnvelope(Params.parse(message.payload, maxBytes), lockId);
  }
}
