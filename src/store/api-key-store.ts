import { z } from 'zod';
import { SCOPES, type Scope } from '../auth/scopes.js';

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
 * API keys by id. Lookups sit on every request's path, so each backend keeps parsed records
 * in memory and says how soon it sees a revocation made by another process.
 */
export interface ApiKeyStore {
  /** Adds a key; its id must be new. */
  insert(record: ApiKeyRecord): Promise<void>;
  /**
   * The key with this id, revoked or not; undefined when there is none. SQLite sees a
   * revocation made by another process on the next call; PostgreSQL within
   * `API_KEY_CACHE_TTL_MS`, and at once for revocations made through the same store.
   */
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  /** Newest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when no such key, or it was revoked already. */
  revoke(id: string, revokedAt: Date): Promise<boolean>;
  /** How many keys exist, revoked ones included. */
  count(): Promise<number>;
}

/** A row of the `api_keys` table, as both backends hold it. */
export interface ApiKeyRow {
  id: string;
  name: string;
  /** JSON array of scope names. */
  scopes: string;
  token_hash: string;
  /** ISO-8601 text in SQLite, a timestamp in PostgreSQL. */
  created_at: string | Date;
  revoked_at: string | Date | null;
}

const storedScopesSchema = z.array(z.enum(SCOPES));

export function apiKeyToRow(record: ApiKeyRecord): ApiKeyRow {
  return {
    id: record.id,
    name: record.name,
    scopes: JSON.stringify(record.scopes),
    token_hash: record.tokenHash,
    created_at: record.createdAt.toISOString(),
    revoked_at: record.revokedAt?.toISOString() ?? null,
  };
}

/** Rows are checked on the way out: an unknown scope must fail closed, not grant anything. */
export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row),
    tokenHash: row.token_hash,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  };
}

function parseScopes(row: ApiKeyRow): ApiKeyRecord['scopes'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.scopes);
  } catch {
    parsed = undefined;
  }

  const scopes = storedScopesSchema.safeParse(parsed);
  if (!scopes.success) throw new Error(`api key ${row.id} has unreadable scopes in the store`);
  return scopes.data;
}
