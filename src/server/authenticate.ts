import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { authenticateToken, parseBearerToken, type Scope } from '../auth/index.js';
import { MoatError } from '../errors/index.js';
import type { MoatStore } from '../store/index.js';

/**
 * A hook that admits only requests whose API key holds `scope`. It runs before the body is
 * read, so a caller without a key cannot make Moat read or parse anything. The token is
 * read from the Authorization header only; a key in the query string is never looked at.
 */
export function requireScope(store: MoatStore, scope: Scope): onRequestAsyncHookHandler {
  return async function checkScope(request: FastifyRequest): Promise<void> {
    const token = parseBearerToken(request.headers.authorization);
    const key = await authenticateToken(store, token);
    request.moat.keyId = key.id;

    if (!key.scopes.includes(scope)) {
      throw new MoatError('insufficient_scope', {
        detail: `The API key does not have the "${scope}" scope this route needs.`,
      });
    }
  };
}
