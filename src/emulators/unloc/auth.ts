import { EmulatorHttpError, TokenStore, bearer, type EmuRequest, type EmuResponse } from '../kit';
import type { UnlocState, EmuIntegrator } from './state';

/** What an Unloc access token carries. */
export interface UnlocGrant {
  clientId: string;
  scopes: string[];
}

export const ADMIN_PREFIX = 'lockHolder.admin:';
/** v2 grants are kept as `project.admin:<projectId>` (a project is v1's lock holder, renamed). */
export const PROJECT_PREFIX = 'project.admin:';
export const DUPLICATE_PREFIX = 'lockHolder.duplicateLocks:';

/**
 * Client-credential tokens with Unloc's scopes. A scope the integrator is not entitled to (a lock
 * holder it does not manage, a duplicateLocks grant Unloc never gave) is refused with 403.
 */
export class UnlocAuth {
  readonly tokens: TokenStore<UnlocGrant>;

  constructor(
    private readonly state: UnlocState,
    private readonly tokenTtlMs: () => number,
    now: () => number,
  ) {
    this.tokens = new TokenStore<UnlocGrant>('unloc_', now);
  }

  /** The client-credentials grant both API versions share: the body and the integrator it names. */
  private clientCredentials(req: EmuRequest) {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials')
      throw new EmulatorHttpError(400, 'grant_type must be client_credentials', {
        error: 'unsupported_grant_type',
      });
    const integrator =
      typeof body.client_id === 'string' ? this.state.integrators.get(body.client_id) : undefined;
    if (!integrator || integrator.clientSecret !== body.client_secret)
      throw new EmulatorHttpError(401, 'Invalid client credentials', { error: 'invalid_client' });
    return { body, integrator };
  }

  issue(req: EmuRequest): EmuResponse {
    const { body: b, integrator } = this.clientCredentials(req);
    const scopes = typeof b.scope === 'string' ? [b.scope] : Array.isArray(b.scope) ? b.scope : undefined;
    if (!scopes || scopes.length === 0 || scopes.some((s) => typeof s !== 'string'))
      throw new EmulatorHttpError(400, 'scope is required', { error: 'invalid_scope' });
    for (const scope of scopes as string[]) this.checkEntitled(integrator, scope);
    const ttlMs = this.tokenTtlMs();
    const record = this.tokens.issue({ clientId: integrator.clientId, scopes: scopes as string[] }, ttlMs);
    const lockHolderIds = (scopes as string[])
      .filter((s) => s.startsWith(ADMIN_PREFIX) || s.startsWith(DUPLICATE_PREFIX))
      .map((s) => s.slice(s.indexOf(':') + 1));
    return {
      status: 200,
      body: {
        access_token: record.token,
        token_type: 'bearer',
        expires_in: Math.round(ttlMs / 1000),
        scope: scopes,
        lock_holder_ids: [...new Set(lockHolderIds)],
      },
    };
  }

  /**
   * v2 tokens (UD authentication-doc): POST /v2/auth/token/ with scope `project.admin` and project_id
   * (or `organization.admin` and organization_id); the answer names the scope and the id.
   */
  issueV2(req: EmuRequest): EmuResponse {
    const { body: b, integrator } = this.clientCredentials(req);
    let grant: string;
    let owner: Record<string, string>;
    if (b.scope === 'project.admin' && typeof b.project_id === 'string') {
      if (!integrator.lockHolderIds.includes(b.project_id))
        throw new EmulatorHttpError(403, `Not allowed to administer project ${b.project_id}`, {
          error: 'Forbidden',
        });
      grant = PROJECT_PREFIX + b.project_id;
      owner = { project_id: b.project_id };
    } else if (b.scope === 'organization.admin' && typeof b.organization_id === 'string') {
      grant = `organization.admin:${b.organization_id}`;
      owner = { organization_id: b.organization_id };
    } else {
      throw new EmulatorHttpError(
        400,
        'scope must be project.admin with project_id or organization.admin with organization_id',
        {
          error: 'invalid_scope',
        },
      );
    }
    const ttlMs = this.tokenTtlMs();
    const record = this.tokens.issue({ clientId: integrator.clientId, scopes: [grant] }, ttlMs);
    return {
      status: 200,
      body: {
        access_token: record.token,
        token_type: 'bearer',
        expires_in: Math.round(ttlMs / 1000),
        scope: [b.scope],
        ...owner,
      },
    };
  }

  private checkEntitled(integrator: EmuIntegrator, scope: string): void {
    if (scope === 'integrator.admin') return;
    if (scope.startsWith(ADMIN_PREFIX)) {
      const id = scope.slice(ADMIN_PREFIX.length);
      if (integrator.lockHolderIds.includes(id)) return;
      throw new EmulatorHttpError(403, `Not allowed to administer lock holder ${id}`, { error: 'Forbidden' });
    }
    if (scope.startsWith(DUPLICATE_PREFIX)) {
      const id = scope.slice(DUPLICATE_PREFIX.length);
      if (integrator.duplicateGrants.includes(id) || integrator.lockHolderIds.includes(id)) return;
      throw new EmulatorHttpError(403, `No grant to duplicate locks of lock holder ${id}`, {
        error: 'Forbidden',
      });
    }
    throw new EmulatorHttpError(400, `Unknown scope ${scope}`, { error: 'invalid_scope' });
  }

  /** The caller's grant; 401 in Unloc's words when the token is missing, unknown or expired. */
  grant(req: EmuRequest): UnlocGrant {
    const check = this.tokens.check(bearer(req.headers));
    if (check.ok) return check.record.data;
    if (check.reason === 'expired')
      throw new EmulatorHttpError(401, 'JWT expired', { error: 'JsonWebTokenError' });
    if (check.reason === 'missing')
      throw new EmulatorHttpError(401, 'No authorization token was found', { error: 'UnauthorizedError' });
    throw new EmulatorHttpError(401, 'invalid token', { error: 'JsonWebTokenError' });
  }

  /** Requires one of the scopes, exactly; anything else is 403. */
  require(req: EmuRequest, allowed: string[]): UnlocGrant {
    const grant = this.grant(req);
    if (!grant.scopes.some((s) => allowed.includes(s)))
      throw new EmulatorHttpError(403, 'The access token does not have the required scope', {
        error: 'Forbidden',
      });
    return grant;
  }
}
