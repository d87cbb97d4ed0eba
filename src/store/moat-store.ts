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

export interface ApiKeyStore {
  insert(record: ApiKeyRecord): void;
  findById(id: string): ApiKeyRecord | undefined;
  /** Newest first, revoked ones included. */
  list(): ApiKeyRecord[];
  /** Marks the key revoked; false when no such key, or it was revoked already. */
  revoke(id: string, revokedAt: Date): boolean;
  count(): number;
}

/**
 * Everything Moat persists, behind one interface so that backends (SQLite today) can be
 * swapped. Nothing here ever holds prompt or answer text.
 */
export interface MoatStore {
  readonly apiKeys: ApiKeyStore;
  close(): void;
}
