import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditAction, AuditOutcome, Auditor } from '../../audit/index.js';
import {
  authenticateSession,
  authenticateUser,
  createSession,
  destroySession,
  findOrCreateProxyUser,
  MAX_PASSWORD_LENGTH,
  type ActiveSession,
} from '../../auth/index.js';
import type { WebConfig } from '../../config/index.js';
import { MoatError } from '../../errors/index.js';
import type { MoatStore, UserRecord } from '../../store/index.js';
import { checkCsrf, isSameOrigin } from '../authenticate.js';
import type { SessionCookie } from '../session-cookie.js';
import { validateBody } from '../validate-body.js';

export interface AuthRouteParts {
  store: MoatStore;
  /** Sign-ins, refused sign-ins and sign-outs are audited, by account id only. */
  auditor: Auditor;
  web: WebConfig;
  sessionCookie: SessionCookie;
}

const signInSchema = z.strictObject({
  name: z.string().max(64).optional(),
  password: z.string().max(MAX_PASSWORD_LENGTH).optional(),
});

/** What the page learns about its session; never anything but the person's name. */
type SessionAnswer =
  | { signedIn: false; proxyIdentity: boolean }
  | { signedIn: true; user: { name: string }; csrfToken: string };

/** Sign-in, sign-out and "who am I" for the chat page. */
export function registerAuthSession(app: FastifyInstance, parts: AuthRouteParts): void {
  app.get('/auth/session', async (request, reply) => {
    const session = await findSession(parts, request);
    if (session === undefined && parts.sessionCookie.read(request) !== undefined) {
      parts.sessionCookie.clear(reply);
    }
    return answerFor(parts, session);
  });

  app.post('/auth/sign-in', async (request, reply) => {
    if (!isSameOrigin(request)) throw new MoatError('csrf_failed');
    const body = validateBody(signInSchema, request.body ?? {}, ['name', 'password']);
    const user = await identify(parts, request, body).catch(async (error: unknown) => {
      await audit(parts, { action: 'session.sign-in-refused', userId: undefined });
      throw error;
    });

    const oldToken = parts.sessionCookie.read(request);
    if (oldToken !== undefined) await destroySession(parts.store, oldToken);
    const created = await createSession(parts.store, {
      user,
      ttlMinutes: parts.web.sessionTtlMinutes,
    });
    parts.sessionCookie.set(reply, created.token, parts.web.sessionTtlMinutes * 60);
    request.moat.userId = user.id;
    await audit(parts, { action: 'session.signed-in', userId: user.id });
    return answerFor(parts, await authenticateSession(parts.store, created.token));
  });

  app.post('/auth/sign-out', async (request, reply) => signOut(parts, request, reply));
}

async function signOut(
  parts: AuthRouteParts,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SessionAnswer> {
  const token = parts.sessionCookie.read(request);
  const session = await findSession(parts, request);
  if (token !== undefined && session !== undefined) {
    checkCsrf(request, session);
    await destroySession(parts.store, token);
    await audit(parts, { action: 'session.signed-out', userId: session.user.id });
  }

  parts.sessionCookie.clear(reply);
  return answerFor(parts, undefined);
}

/** A password sign-in, or the trusted proxy's word; the two are never both accepted. */
async function identify(
  parts: AuthRouteParts,
  request: FastifyRequest,
  body: z.output<typeof signInSchema>,
): Promise<UserRecord> {
  const proxy = parts.web.proxyIdentity;
  if (proxy === undefined) {
    return authenticateUser(parts.store, { name: body.name ?? '', password: body.password ?? '' });
  }

  const address = request.raw.socket.remoteAddress ?? '';
  const name = request.headers[proxy.header];
  const isTrusted = proxy.trustedAddresses.includes(normalizeAddress(address));
  if (!isTrusted || typeof name !== 'string') throw new MoatError('invalid_credentials');
  return findOrCreateProxyUser(parts.store, name);
}

/** The audit entry of a sign-in step; an unknown person is `anonymous`, never a name. */
async function audit(
  parts: AuthRouteParts,
  entry: { action: AuditAction; userId: string | undefined },
): Promise<void> {
  const outcome: AuditOutcome = entry.action === 'session.sign-in-refused' ? 'refused' : 'ok';
  const id = entry.userId ?? 'anonymous';
  await parts.auditor.record({
    actor: { kind: 'user', id, role: entry.userId === undefined ? 'none' : 'session' },
    action: entry.action,
    targets: entry.userId === undefined ? [] : [`user:${entry.userId}`],
    outcome,
  });
}

/** An IPv4 peer on a dual-stack socket shows as `::ffff:a.b.c.d`. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

async function findSession(
  parts: AuthRouteParts,
  request: FastifyRequest,
): Promise<ActiveSession | undefined> {
  const token = parts.sessionCookie.read(request);
  if (token === undefined) return undefined;
  try {
    return await authenticateSession(parts.store, token);
  } catch (error) {
    if (error instanceof MoatError) return undefined;
    throw error;
  }
}

function answerFor(parts: AuthRouteParts, session: ActiveSession | undefined): SessionAnswer {
  if (session === undefined) {
    return { signedIn: false, proxyIdentity: parts.web.proxyIdentity !== undefined };
  }
  return { signedIn: true, user: { name: session.user.name }, csrfToken: session.csrfToken };
}
