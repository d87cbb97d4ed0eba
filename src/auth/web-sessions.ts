import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MoatError } from '../errors/index.js';
import type { MoatStore, SessionRecord, UserRecord } from '../store/index.js';

const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface CreatedSession {
  /** The cookie value. It exists only here and in the browser: never log or store it. */
  token: string;
  record: SessionRecord;
}

/** A session that was checked: who it belongs to and its CSRF token. */
export interface ActiveSession {
  record: SessionRecord;
  user: UserRecord;
  csrfToken: string;
}

/** Starts a session for `user` that ends after `ttlMinutes`; clears out expired ones first. */
export async function createSession(
  store: MoatStore,
  options: { user: UserRecord; ttlMinutes: number; now?: Date },
): Promise<CreatedSession> {
  const now = options.now ?? new Date();
  await store.sessions.deleteExpired(now);

  const token = randomBytes(32).toString('base64url');
  const record: SessionRecord = {
    tokenHash: hashSessionToken(token),
    userId: options.user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + options.ttlMinutes * 60_000),
  };
  await store.sessions.insert(record);
  return { token, record };
}

/** The live session for a cookie value; `session_expired` for anything else. */
export async function authenticateSession(
  store: MoatStore,
  token: string,
  now = new Date(),
): Promise<ActiveSession> {
  if (!SESSION_TOKEN_PATTERN.test(token)) throw new MoatError('session_expired');
  const record = await store.sessions.findByTokenHash(hashSessionToken(token));
  const user = record === undefined ? undefined : await store.users.findById(record.userId);

  if (record === undefined || user === undefined) throw new MoatError('session_expired');
  if (record.expiresAt.getTime() <= now.getTime()) {
    await store.sessions.delete(record.tokenHash);
    throw new MoatError('session_expired');
  }
  return { record, user, csrfToken: csrfTokenFor(token) };
}

/** Ends the session with this cookie value, if there is one. */
export async function destroySession(store: MoatStore, token: string): Promise<boolean> {
  if (!SESSION_TOKEN_PATTERN.test(token)) return false;
  return store.sessions.delete(hashSessionToken(token));
}

/**
 * The CSRF token is derived from the session token, so nothing more is stored and it dies
 * with the session. The page reads it from `GET /auth/session`, which another origin cannot
 * read, and sends it back in a header that a form or a simple request cannot set.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('moat csrf token').digest('base64url');
}

/** Compares a presented CSRF token with the expected one in constant time. */
export function isCsrfTokenValid(expected: string, presented: string | undefined): boolean {
  if (presented === undefined || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
