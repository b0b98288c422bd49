import type { LockEvent } from '../../core/events';
import type { LastAction } from '../../core/model';
import { encodeLastAction } from '../wire';
import { Extension, type CommandFailure } from './extension';

/** The event entity's type for each action a lock reports (others, like LOCKING, raise none). */
const EVENT_OF: Partial<Record<LastAction['action'], string>> = {
  LOCKED: 'locked',
  UNLOCKED: 'unlocked',
  OPEN: 'opened',
  JAMMED: 'jammed',
};

/**
 * `<base>/<lock>/event`, each lock's Home Assistant event entity (discovered by home-assistant.ts): what
 * happened (locked, unlocked, opened, jammed, with who, how and when) and every lock command that failed,
 * on `<lock>/set` or as the `command` request (`command_failed` with the error's code and message; the
 * command only when it is one, never the unlock code). Never retained: Home Assistant ignores a replayed
 * event, and an event happens once.
 */
export class HomeAssistantEventsExtension extends Extension {
  /** Locks the source has: anyone may publish on any `<base>/<x>/set`, and must not create event topics. */
  private readonly known = new Set<string>();
  private unsubscribeFailures?: () => void;

  async start(): Promise<void> {
    if (!this.ctx.settings.homeAssistant.enabled) return;
    this.unsubscribeFailures = this.ctx.commandFailures.subscribe((f) => this.onCommandFailed(f));
    for (const lock of await this.ctx.source.listLocks()) this.known.add(lock.id);
  }

  override async stop(): Promise<void> {
    this.unsubscribeFailures?.();
    this.unsubscribeFailures = undefined;
    await super.stop();
  }

  override onLockEvent(event: LockEvent): void {
    if (!this.ctx.settings.homeAssistant.enabled) return;
    if (event.type === 'lock_added') this.known.add(event.lock.id);
    else if (event.type === 'lock_removed') this.known.delete(event.lockId);
    else if (event.type === 'activity') {
      const type = EVENT_OF[event.action.action];
      if (type) void this.publish(event.lockId, { event_type: type, ...encodeLastAction(event.action) });
    }
  }

  private onCommandFailed(failure: CommandFailure): void {
    if (!this.known.has(failure.lockId)) return;
    void this.publish(failure.lockId, {
      event_type: 'command_failed',
      command: failure.command ?? null,
      code: failure.error.code,
      message: failure.error.message,
    });
  }

  private publish(lockId: string, body: Record<string, unknown>): Promise<void> {
    return this.ctx.connection.publish(this.ctx.topics.lock(lockId, 'event'), this.json(body), { qos: 1 });
  }
}
