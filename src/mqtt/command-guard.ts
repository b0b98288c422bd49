import { LockbridgeError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { CommandRequest, Lock, LockCommand } from '../core/model';
import { LOCK_COMMANDS } from '../core/model';
import type { IncomingMessage } from './connection';
import type { BridgeSettings } from './settings';
import type { Transaction } from './responder';
import { unlockCodeFor, unlockCodeMatches } from './unlock-code';

/** A command as it came over MQTT (set topic or bridge/request/command). */
export interface CommandEnvelope {
  lockId: string;
  command: string;
  transaction?: Transaction;
  /** Epoch ms after which the command must not run (payload `expires_at`). */
  expiresAt?: number;
  /** Epoch ms when the sender sent it (payload `sent_at`). */
  sentAt?: number;
  /** The unlock code, for UNLOCK and OPEN on a guarded lock. */
  code?: string;
  timeoutMs?: number;
}

const NEEDS_CODE: ReadonlySet<LockCommand> = new Set<LockCommand>(['UNLOCK', 'OPEN']);

/**
 * Decides whether a command from MQTT may run, before the hub sees it:
 * - retained commands are replays and are refused (a door must never open because a client connected);
 * - stale commands are refused: past their expires_at, older than the maximum age by their sent_at,
 *   or expired by their MQTT 5 message expiry interval; a command the broker held for us while we
 *   were away counts as sent when we went away, and one held since before this process started,
 *   with no time of its own, is refused (its age is unknown);
 * - UNLOCK and OPEN on a guarded lock must carry its unlock code, compared in constant time.
 * The resulting request always carries an expiry, so the hub never runs it late either.
 */
export class CommandGuard {
  constructor(
    private readonly settings: BridgeSettings,
    private readonly clock: Clock,
  ) {}

  check(envelope: CommandEnvelope, message: IncomingMessage, lock: Lock): CommandRequest {
    if (message.retain)
      throw new LockbridgeError(
        'invalid_input',
        'Retained commands are refused; publish commands without retain',
        {
          lockId: lock.id,
        },
      );
    if (!(LOCK_COMMANDS as readonly string[]).includes(envelope.command))
      throw new LockbridgeError('invalid_input', `Unknown command; use one of ${LOCK_COMMANDS.join(', ')}`, {
        lockId: lock.id,
      });
    const command = envelope.command as LockCommand;
    const now = this.clock.now();
    const maxAge = this.settings.maxCommandAgeMs;
    if (envelope.sentAt !== undefined && now - envelope.sentAt > maxAge)
      throw new LockbridgeError('expired', `The command is older than ${Math.round(maxAge / 1000)} s`, {
        lockId: lock.id,
      });
    const limits = [now + maxAge];
    if (envelope.expiresAt !== undefined) limits.push(envelope.expiresAt);
    if (envelope.sentAt !== undefined) limits.push(envelope.sentAt + maxAge);
    if (message.messageExpiryInterval !== undefined) limits.push(now + message.messageExpiryInterval * 1000);
    const timed =
      envelope.expiresAt !== undefined ||
      envelope.sentAt !== undefined ||
      message.messageExpiryInterval !== undefined;
    if (message.heldSince === null && !timed)
      throw new LockbridgeError(
        'expired',
        'The broker held this command from before Lockbridge started and it carries no time, so its age is unknown; send it again (with expires_at or sent_at to have it kept)',
        { lockId: lock.id },
      );
    if (typeof message.heldSince === 'number' && envelope.sentAt === undefined)
      limits.push(message.heldSince + maxAge);
    const expiresAt = Math.min(...limits);
    if (expiresAt <= now)
      throw new LockbridgeError('expired', 'The command expired before it arrived', { lockId: lock.id });

    const expected = NEEDS_CODE.has(command) ? unlockCodeFor(lock, this.settings) : undefined;
    if (expected !== undefined && !unlockCodeMatches(envelope.code, expected)) {
      throw new LockbridgeError(
        'forbidden',
        envelope.code === undefined
          ? `${command} on ${lock.name} needs its unlock code`
          : `Wrong unlock code for ${lock.name}`,
        { lockId: lock.id },
      );
    }
    const request: CommandRequest = { lockId: lock.id, command, expiresAt, origin: 'mqtt' };
    if (envelope.transaction !== undefined) request.transaction = String(envelope.transaction);
    if (envelope.timeoutMs !== undefined) request.timeoutMs = envelope.timeoutMs;
    return request;
  }
}
