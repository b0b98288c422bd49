import { randomBytes } from 'node:crypto';
import { LockbridgeError, errorFromJSON } from '../../core/errors';
import { isObject } from '../params';

interface Pending {
  operation: string;
  resolve(data: unknown): void;
  reject(err: LockbridgeError): void;
  timer: NodeJS.Timeout;
}

/**
 * Requests waiting for their response, by transaction id. Ids carry a random per-client prefix, so
 * several lock sources on one broker never take each other's answers.
 */
export class PendingRequests {
  private readonly prefix = `lbs-${randomBytes(5).toString('hex')}`;
  private seq = 0;
  private readonly pending = new Map<string, Pending>();

  /** Registers a request; returns its transaction id and the promise of its data. */
  open(operation: string, timeoutMs: number): { transaction: string; result: Promise<unknown> } {
    const transaction = `${this.prefix}-${++this.seq}`;
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(
          new LockbridgeError(
            'timeout',
            `No answer to ${operation} from the lockbridge daemon within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      this.pending.set(transaction, { operation, resolve, reject, timer });
    });
    return { transaction, result };
  }

  /** Fails a request that could not be sent. */
  fail(transaction: string, err: LockbridgeError): void {
    const p = this.pending.get(transaction);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(transaction);
    p.reject(err);
  }

  /** A response envelope from `<base>/bridge/response/<operation>`; others' responses are ignored. */
  settle(operation: string, envelope: unknown): void {
    if (!isObject(envelope) || typeof envelope.transaction !== 'string') return;
    const p = this.pending.get(envelope.transaction);
    if (!p || p.operation !== operation) return;
    clearTimeout(p.timer);
    this.pending.delete(envelope.transaction);
    if (envelope.status === 'ok') p.resolve(envelope.data);
    else p.reject(errorFromJSON(envelope.error));
  }

  /** Rejects everything (stop). */
  rejectAll(err: LockbridgeError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
