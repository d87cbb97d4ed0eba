import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Auditor } from '../audit/index.js';
import {
  authenticateSession,
  authenticateToken,
  isCsrfTokenValid,
  parseBearerToken,
  SESSION_SCOPES,
  type ActiveSession,
  type Scope,
} from '../auth/index.js';
import { MoatError } from '../errors/index.js';
import type { MoatStore } from '../store/index.js';
import type { SessionCookie } from './session-cookie.js';

/**
 * The memory owner a request acts for: an API key's id, or `user:<id>` for a person signed
 * in to the chat page. Routes run only after `requireScope`.
 */
export function ownerOf(request: FastifyRequest): string {
  const principal = request.moat.principal;
  if (principal === undefined) throw new MoatError('internal_error');
  return principal.kind === 'user' ? `user:${principal.id}` : principal.id;
}

/** Who asked, as receipts name them: `key:<id>` or `user:<id>`. */
export function requesterOf(request: FastifyRequest): string {
  const principal = request.moat.principal;
  if (principal === undefined) throw new MoatError('internal_error');
  return principal.kind === 'user' ? `user:${principal.id}` : `key:${principal.id}`;
}

/** Refuses with 403 unless the request's key also holds `scope`. */
export function assertScope(request: FastifyRequest, scope: Scope): void {
  if (request.moat.keyScopes?.includes(scope) === true) return;
  throw new MoatError('insufficient_scope', {
    detail: `The API key does not have the "${scope}" scope this request needs.`,
  });
}

/**
 * What checking a caller needs: the store, the auditor for refused revoked keys, and the
 * chat page's cookie when the page is served.
 */
export interface AuthParts {
  store: MoatStore;
  auditor: Auditor;
  sessionCookie: SessionCookie | undefined;
}

/** Methods that change nothing; every other method needs the CSRF token with a session. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A hook that admits only callers that hold `scope` (with no scope, any valid caller): an
 * API key in the Authorization header, or else the chat page's session cookie, whose person
 * holds SESSION_SCOPES. It runs before the body is read, so a caller without either cannot
 * make Moat read anything. A key in the query string is never looked at. Presenting a
 * revoked key's token is audited.
 */
export function requireScope(auth: AuthParts, scope: Scope | undefined): onRequestAsyncHookHandler {
  return async function checkScope(request: FastifyRequest): Promise<void> {
    const sessionToken = auth.sessionCookie?.read(request);
    const scopes =
      request.headers.authorization === undefined && sessionToken !== undefined
        ? await admitSession(auth.store, request, sessionToken)
        : await admitApiKey(auth, request);
    request.moat.keyScopes = scopes;

    if (scope !== undefined && !scopes.includes(scope)) {
      throw new MoatError('insufficient_scope', {
        detail: `The ${caller(request)} does not have the "${scope}" scope this route needs.`,
      });
    }
  };
}

function caller(request: FastifyRequest): string {
  return request.moat.principal?.kind === 'user' ? 'signed-in person' : 'API key';
}

async function admitApiKey(auth: AuthParts, request: FastifyRequest): Promise<readonly Scope[]> {
  const token = parseBearerToken(request.headers.authorization);
  const key = await authenticateToken(auth.store, token, {
    onRevokedKeyUse: (keyId) => recordRevokedUse(auth.auditor, keyId),
  });
  request.moat.keyId = key.id;
  request.moat.principal = { kind: 'api-key', id: key.id };
  return key.scopes;
}

async function admitSession(
  store: MoatStore,
  request: FastifyRequest,
  token: string,
): Promise<readonly Scope[]> {
  const session = await authenticateSession(store, token);
  if (!SAFE_METHODS.has(request.method)) checkCsrf(request, session);

  request.moat.userId = session.user.id;
  request.moat.principal = { kind: 'user', id: session.user.id };
  return SESSION_SCOPES;
}

/**
 * SameSite=Strict already keeps the cookie off other sites' requests; the token in a custom
 * header is the second lock, and the Origin check a third for browsers that send it.
 */
export function checkCsrf(request: FastifyRequest, session: ActiveSession): void {
  const presented = request.headers['x-moat-csrf'];
  const isValid = isCsrfTokenValid(
    session.csrfToken,
    typeof presented === 'string' ? presented : undefined,
  );
  if (!isValid || !isSameOrigin(request)) throw new MoatError('csrf_failed');
}

/** False when the browser says the request came from another site or origin. */
export function isSameOrigin(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;

  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

async function recordRevokedUse(auditor: Auditor, keyId: string): Promise<unknown> {
  return auditor.record({
    actor: { kind: 'key', id: keyId, role: 'revoked' },
    action: 'key.used-after-revocation',
    targets: [`key:${keyId}`],
    outcome: 'refused',
  });
}
