import { CommandDeadline } from '../../src/core/deadline';
import type { CommandOptions } from '../../src/vendors/driver';

/**
 * What the hub hands a driver for one command: a request id, a deadline (default one minute away)
 * and a signal that aborts at the deadline or when the given signal does.
 */
export function commandOptions(
  requestId = 'req-1',
  signal: AbortSignal = new AbortController().signal,
  deadlineInMs = 60_000,
): CommandOptions {
  const deadline = new CommandDeadline(Date.now() + deadlineInMs);
  return { requestId, deadline, signal: AbortSignal.any([signal, deadline.signal]) };
}
