import type { Request, Response } from 'express';
import { LockbridgeError, type ErrorCode } from '../../src/core/errors';
import type { Lock } from '../../src/core/model';
import { flowError } from './errors';
import type { RED } from './red';
import { isAccountNode, type AccountNode } from './user-node';

/** Admin HTTP paths the editor calls; one place, so the .html files and tests agree. */
export const ADMIN_PATHS = {
  locks: '/lockbridge/accounts/:id/locks',
  status: '/lockbridge/accounts/:id/status',
  requestTwoFactor: '/lockbridge/accounts/:id/two-factor/request',
  submitTwoFactor: '/lockbridge/accounts/:id/two-factor',
} as const;

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  not_ready: 409,
  two_factor_required: 409,
  not_supported: 422,
  // Never 401/403 here: the editor would take it for its own session expiring.
  auth_failed: 422,
  forbidden: 422,
  rate_limited: 429,
  timeout: 504,
  vendor_unavailable: 502,
};

/** What the editor may see of a lock: no codes, no vendor payloads. */
export interface LockSummary {
  id: string;
  name: string;
  vendor: string;
  model: string;
  capabilities: string[];
  state: string;
}

function summary(lock: Lock): LockSummary {
  return {
    id: lock.id,
    name: lock.name,
    vendor: lock.vendor,
    model: lock.model,
    capabilities: [...lock.capabilities],
    state: lock.status.state,
  };
}

function fail(res: Response, err: unknown): void {
  const e = flowError(err);
  res.status(HTTP_STATUS[e.code] ?? 500).json({ error: e.toJSON() });
}

function accountFor(RED: RED, req: Request): AccountNode {
  const node = RED.nodes.getNode(String(req.params.id ?? ''));
  if (!isAccountNode(node))
    throw new LockbridgeError('not_found', 'This account is not deployed yet: deploy it, then try again');
  return node;
}

/** The accounts behind the source that wait for a two-factor code, or the one named in the body. */
function twoFactorAccounts(node: AccountNode, wanted: unknown): string[] {
  const source = node.connection.current();
  if (!source) throw new LockbridgeError('not_ready', 'The account is not connected yet');
  const all = source.accounts();
  if (typeof wanted === 'string' && wanted) {
    if (!all.some((a) => a.account === wanted)) throw new LockbridgeError('not_found', 'Unknown account');
    return [wanted];
  }
  const waiting = all.filter((a) => a.state === 'two_factor_required').map((a) => a.account);
  if (waiting.length === 0)
    throw new LockbridgeError('invalid_input', 'No account is waiting for a two-factor code');
  return waiting;
}

function body(req: Request): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}

/**
 * Registers the editor's endpoints once per runtime. Each needs Node-RED's admin permission, and
 * none returns a credential, token or PIN: only lock summaries, account states and typed errors.
 */
export function registerAdminEndpoints(RED: RED): void {
  const read = RED.auth.needsPermission('lockbridge-account.read');
  const write = RED.auth.needsPermission('lockbridge-account.write');

  RED.httpAdmin.get(ADMIN_PATHS.locks, read, (req: Request, res: Response) => {
    void (async () => {
      try {
        const node = accountFor(RED, req);
        const locks = await node.connection.source();
        res.json({ state: node.connection.view().state, locks: (await locks.listLocks()).map(summary) });
      } catch (err) {
        fail(res, err);
      }
    })();
  });

  RED.httpAdmin.get(ADMIN_PATHS.status, read, (req: Request, res: Response) => {
    try {
      const node = accountFor(RED, req);
      const accounts = (node.connection.current()?.accounts() ?? []).map((a) => ({
        account: a.account,
        vendor: a.vendor,
        state: a.state,
        lockCount: a.lockCount,
        error: a.error,
      }));
      res.json({ ...node.connection.view(), accounts });
    } catch (err) {
      fail(res, err);
    }
  });

  RED.httpAdmin.post(ADMIN_PATHS.requestTwoFactor, write, (req: Request, res: Response) => {
    void (async () => {
      try {
        const node = accountFor(RED, req);
        const source = await node.connection.source();
        for (const account of twoFactorAccounts(node, body(req).account))
          await source.requestTwoFactorCode(account);
        res.json({ requested: true });
      } catch (err) {
        fail(res, err);
      }
    })();
  });

  RED.httpAdmin.post(ADMIN_PATHS.submitTwoFactor, write, (req: Request, res: Response) => {
    void (async () => {
      try {
        const node = accountFor(RED, req);
        const code = body(req).code;
        if (typeof code !== 'string' && typeof code !== 'number')
          throw new LockbridgeError('invalid_input', 'Send the two-factor code as {"code": "123456"}');
        const source = await node.connection.source();
        for (const account of twoFactorAccounts(node, body(req).account))
          await source.submitTwoFactorCode(account, String(code));
        node.connection.refresh();
        res.json({ ...node.connection.view() });
      } catch (err) {
        fail(res, err);
      }
    })();
  });
}
