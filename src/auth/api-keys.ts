import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MoatError } from '../errors/index.js';
import type { ApiKeyRecord, MoatStore } from '../store/index.js';
import { SCOPES, isScope, type Scope } from './scopes.js';

/**
 * Token layout: `moat_<id>_<secret>`. The id is 12 base32 characters (60 random bits) and is
 * safe to log; the secret is 32 random bytes in base64url (43 characters). The prefix lets
 * secret scanners recognise a leaked Moat token.
 */
const TOKEN_PREFIX = 'moat_';
const ID_LENGTH = 12;
const SECRET_BYTES = 32;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const TOKEN_LENGTH = TOKEN_PREFIX.length + ID_LENGTH + 1 + Math.ceil((SECRET_BYTES * 4) / 3);
const TOKEN_PATTERN = /^moat_([a-z2-7]{12})_[A-Za-z0-9_-]{43}$/;
const ID_PATTERN = /^[a-z2-7]{12}$/;

const KEY_NAME_PATTERN = /^[A-Za-z0-9 ._-]{1,64}$/;

/** Longest Authorization header looked at; anything longer cannot hold a Moat token. */
const MAX_AUTHORIZATION_LENGTH = 1024;

/** Compared against when the id is unknown, so that both failures cost the same work. */
const PLACEHOLDER_HASH = Buffer.alloc(32);

export interface CreateApiKeyOptions {
  /** 1-64 letters, digits, spaces, ".", "_" or "-". */
  name: string;
  /** At least one; duplicates are dropped. */
  scopes: readonly string[];
}

export interface CreatedApiKey {
  id: string;
  /** The whole token. It exists only here: show it once, never log or store it. */
  token: string;
  record: ApiKeyRecord;
}

/** Creates a key, stores only the hash of its token, and hands the token back once. */
export async function createApiKey(
  store: MoatStore,
  options: CreateApiKeyOptions,
): Promise<CreatedApiKey> {
  const name = checkKeyName(options.name);
  const scopes = checkScopes(options.scopes);

  const id = randomId();
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id,
    name,
    scopes,
    tokenHash: hashToken(token),
    createdAt: new Date(),
    revokedAt: null,
  };

  await store.apiKeys.insert(record);
  return { id, token, record };
}

export interface AuthenticateOptions {
  /**
   * Called, and awaited, when the whole token of a revoked key is presented, so that the
   * attempt can be audited. A guessed id with a wrong secret does not count.
   */
  onRevokedKeyUse?: (keyId: string) => Promise<unknown>;
}

/**
 * Returns the key a token belongs to. Every failure (malformed, unknown, wrong secret,
 * revoked) throws the same `invalid_api_key` error, which never carries the token.
 */
export async function authenticateToken(
  store: MoatStore,
  token: string,
  options: AuthenticateOptions = {},
): Promise<ApiKeyRecord> {
  const match = token.length === TOKEN_LENGTH ? TOKEN_PATTERN.exec(token) : null;
  const id = match?.[1];
  if (id === undefined) throw new MoatError('invalid_api_key');

  const record = await store.apiKeys.findById(id);
  const storedHash = Buffer.from(record?.tokenHash ?? '', 'hex');
  const expectedHash = storedHash.length === 32 ? storedHash : PLACEHOLDER_HASH;
  const isMatch = timingSafeEqual(Buffer.from(hashToken(token), 'hex'), expectedHash);

  if (record !== undefined && isMatch && record.revokedAt !== null) {
    await options.onRevokedKeyUse?.(record.id);
  }
  if (record === undefined || !isMatch || record.revokedAt !== null) {
    throw new MoatError('invalid_api_key');
  }
  return record;
}

/** Revokes a key; false when there is no such key or it was revoked already. */
export async function revokeApiKey(store: MoatStore, id: string): Promise<boolean> {
  if (!ID_PATTERN.test(id)) return false;
  return store.apiKeys.revoke(id, new Date());
}

/**
 * Takes the token out of an `Authorization` header value. The scheme is matched without
 * regard to case, as HTTP authentication schemes are.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function parseBearerToken(headerValue: string | undefined): string {
  if (headerValue === undefined || headerValue.trim() === '') {
    throw new MoatError('missing_api_key');
  }

  const match =
    headerValue.length <= MAX_AUTHORIZATION_LENGTH
      ? /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(headerValue)
      : null;
  const token = match?.[1];
  if (token === undefined) throw new MoatError('invalid_api_key');
  return token;
}

/** True when `id` has the shape of a key id; lets callers reject typos before a lookup. */
export function isApiKeyId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function randomId(): string {
  // 256 is a multiple of 32, so masking each byte keeps every character equally likely.
  return Array.from(randomBytes(ID_LENGTH), (byte) => BASE32_ALPHABET.charAt(byte & 31)).join('');
}

function checkKeyName(name: string): string {
  if (KEY_NAME_PATTERN.test(name)) return name;
  throw new MoatError('invalid_request', {
    detail: 'A key name must be 1-64 letters, digits, spaces, ".", "_" or "-".',
    param: 'name',
  });
}

function checkScopes(requested: readonly string[]): Scope[] {
  const scopes = [...new Set(requested)];
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (scopes.length > 0 && unknown.length === 0) return scopes as Scope[];

  throw new MoatError('invalid_request', {
    detail: `Scopes must be one or more of: ${SCOPES.join(', ')}.`,
    param: 'scopes',
  });
}
