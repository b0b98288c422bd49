import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { LockbridgeError, errorFromJSON } from '../../src/core/errors';
import { FileStorage, readJson, writeJson, type Storage } from '../../src/core/storage';
import { STORAGE_FOLDER } from '../settings';
import {
  ACCOUNT_ID,
  STATUS_FILE,
  requestFile,
  resultFile,
  type TwoFactorRequest,
  type TwoFactorResult,
  type UiStatus,
} from './mailbox';

export interface TwoFactorUiOptions {
  /** How long to wait for the running platform to answer (default 45 s: a vendor login can be slow). */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * The settings UI server's side of the two-factor mailbox (homebridge-ui/server.js wires these to
 * @homebridge/plugin-ui-utils requests). Every answer is a plain object; every failure a LockbridgeError.
 */
export class TwoFactorUi {
  constructor(
    private readonly storage: Storage,
    private readonly options: TwoFactorUiOptions = {},
  ) {}

  /** What the platform last published; `running` is false when no Homebridge process is behind it. */
  async status(): Promise<{ running: boolean; accounts: UiStatus['accounts']; updatedAt?: string }> {
    const status = await readJson<UiStatus>(this.storage, STATUS_FILE);
    if (!status) return { running: false, accounts: [] };
    return { running: isAlive(status.pid), accounts: status.accounts ?? [], updatedAt: status.updatedAt };
  }

  async submit(body: unknown): Promise<{ ok: true }> {
    const { account, code } = (body ?? {}) as { account?: unknown; code?: unknown };
    const id = this.accountOf(account);
    if (typeof code !== 'string' || !/^\d{4,8}$/.test(code.trim())) {
      throw new LockbridgeError('invalid_input', 'The two-factor code must be 4 to 8 digits');
    }
    return this.exchange(id, { action: 'submit', code: code.trim() });
  }

  async resend(body: unknown): Promise<{ ok: true }> {
    const { account } = (body ?? {}) as { account?: unknown };
    return this.exchange(this.accountOf(account), { action: 'resend' });
  }

  private accountOf(account: unknown): string {
    if (typeof account !== 'string' || !ACCOUNT_ID.test(account)) {
      throw new LockbridgeError('invalid_input', 'Unknown account');
    }
    return account;
  }

  private async exchange(
    account: string,
    request: Omit<TwoFactorRequest, 'id' | 'at'>,
  ): Promise<{ ok: true }> {
    const id = randomUUID();
    await this.storage.delete(resultFile(account));
    await writeJson(this.storage, requestFile(account), { ...request, id, at: new Date().toISOString() });
    const deadline = Date.now() + (this.options.timeoutMs ?? 45_000);
    while (Date.now() < deadline) {
      const result = await readJson<TwoFactorResult>(this.storage, resultFile(account));
      if (result?.id === id) {
        await this.storage.delete(resultFile(account));
        if (result.ok) return { ok: true };
        throw errorFromJSON(result.error);
      }
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 250));
    }
    // Nobody took it: remove it so the code does not stay on disk.
    await this.storage.delete(requestFile(account));
    throw new LockbridgeError(
      'timeout',
      'Homebridge did not answer: is the Lockbridge platform running and waiting for a code for this account?',
    );
  }
}

/** For homebridge-ui/server.js: the UI for the storage path Homebridge gives it. */
export function createTwoFactorUi(homebridgeStoragePath: string, options?: TwoFactorUiOptions): TwoFactorUi {
  return new TwoFactorUi(new FileStorage(join(homebridgeStoragePath, STORAGE_FOLDER)), options);
}

function isAlive(pid: unknown): boolean {
  if (typeof pid !== 'number') return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
