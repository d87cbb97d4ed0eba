import type { Scope } from '../auth/scopes.js';

/** An API key as stored: never the token, only its SHA-256. */
export interface ApiKeyRecord {
  /** Public identifier; safe to log. */
  id: string;
  /** Operator-chosen label. */
  name: string;
  scopes: readonly Scope[];
  /** SHA-256 of the whole token, hex. */
  tokenHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * API keys by id. Methods are synchronous: lookups sit on every request's path, and the
 * embedded store answers them without a round trip.
 */
export interface ApiKeyStore {
  /** Adds a key; its id must be new. */
  insert(record: ApiKeyRecord): void;
  /**
   * The key with this id, revoked or not; undefined when there is none. A revocation made
   * by another process on the same store is seen by the next call.
   */
  findById(id: string): ApiKeyRecord | undefined;
  /** Newest first, revoked ones included. */
  list(): ApiKeyRecord[];
  /** Marks the key revoked; false when no such key, or it was revoked already. */
  revoke(id: string, revokedAt: Date): boolean;
  /** How many keys exist, revoked ones included. */
  count(): number;
}

/**
 * Everything Moat persists, behind one interface so that backends (SQLite today) can be
 * swapped. Nothing here ever holds prompt or answer text.
 */
export interface MoatStore {
  readonly apiKeys: ApiKeyStore;
  /** Flushes and closes the store; idempotent. */
  close(): void;
}
