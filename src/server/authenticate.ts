import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Auditor } from '../audit/index.js';
import { authenticateToken, parseBearerToken, type Scope } from '../auth/index.js';
import { MoatError } from '../errors/index.js';
import type { MoatStore } from '../store/index.js';

export interface AuthenticateParts {
  store: MoatStore;
  auditor: Auditor;
}

/**
 * A hook that admits only requests whose API key holds `scope`; with no scope, any valid
 * key. It runs before the body is read, so a caller without a key cannot make Moat read or
 * parse anything. The token is read from the Authorization header only; a key in the query
 * string is never looked at. Presenting a revoked key's token is audited.
 */
export function requireScope(
  parts: AuthenticateParts,
  scope: Scope | undefined,
): onRequestAsyncHookHandler {
  return async function checkScope(request: FastifyRequest): Promise<void> {
    const token = parseBearerToken(request.headers.authorization);
    const key = await authenticateToken(parts.store, token, {
      onRevokedKeyUse: (keyId) => recordRevokedUse(parts.auditor, keyId),
    });
    request.moat.keyId = key.id;
    request.moat.keyScopes = key.scopes;

    if (scope !== undefined && !key.scopes.includes(scope)) {
      throw new MoatError('insufficient_scope', {
        detail: `The API key does not have the "${scope}" scope this route needs.`,
      });
    }
  };
}

async function recordRevokedUse(auditor: Auditor, keyId: string): Promise<unknown> {
  return auditor.record({
    actor: { kind: 'key', id: keyId, role: 'revoked' },
    action: 'key.used-after-revocation',
    targets: [`key:${keyId}`],
    outcome: 'refused',
  });
}
