import type pg from 'pg';
import {
  apiKeyFromRow,
  apiKeyToRow,
  type ApiKeyRecord,
  type ApiKeyRow,
  type ApiKeyStore,
} from '../api-key-store.js';
import type { PartSchema } from '../store-schema.js';

/** The api key tables; the same columns as on SQLite, with PostgreSQL's own types. */
export const API_KEY_SCHEMA: PartSchema = {
  part: 'api-keys',
  steps: [
    {
      version: 1,
      description: 'api keys, stored as hashes',
      sql: `
        CREATE TABLE api_keys (
          id TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL,
          scopes TEXT NOT NULL,
          token_hash TEXT NOT NULL CHECK (length(token_hash) = 64),
          created_at TIMESTAMPTZ NOT NULL,
          revoked_at TIMESTAMPTZ,
          seq BIGSERIAL NOT NULL
        );
        CREATE INDEX api_keys_by_created_at ON api_keys (created_at);
      `,
    },
  ],
};

/**
 * How long a looked-up key is trusted without asking the database again. PostgreSQL has no
 * cheap "did anything change" probe like SQLite's data_version, so a revocation made by
 * another replica or by `moat keys revoke` takes effect within this time.
 */
export const API_KEY_CACHE_TTL_MS = 1000;

/** Most records kept; past this the cache starts over, which only costs lookups. */
const MAX_CACHED_KEYS = 10_000;

export function createApiKeyStore(pool: pg.Pool): ApiKeyStore {
  const cache = new Map<string, { record: ApiKeyRecord; expiresAtMs: number }>();

  return {
    insert: async (record) => {
      const row = apiKeyToRow(record);
      await pool.query(
        `INSERT INTO api_keys (id, name, scopes, token_hash, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.id, row.name, row.scopes, row.token_hash, row.created_at, row.revoked_at],
      );
      cache.clear();
    },
    findById: async (id) => {
      const cached = cache.get(id);
      if (cached !== undefined && cached.expiresAtMs > Date.now()) return cached.record;

      const result = await pool.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
      const row = result.rows[0];
      if (row === undefined) return undefined;
      const record = apiKeyFromRow(row);
      if (cache.size >= MAX_CACHED_KEYS) cache.clear();
      cache.set(id, { record, expiresAtMs: Date.now() + API_KEY_CACHE_TTL_MS });
      return record;
    },
    list: async () => {
      const result = await pool.query<ApiKeyRow>(
        'SELECT * FROM api_keys ORDER BY created_at DESC, seq DESC',
      );
      return result.rows.map(apiKeyFromRow);
    },
    revoke: async (id, revokedAt) => {
      const result = await pool.query(
        'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [revokedAt.toISOString(), id],
      );
      cache.clear();
      return result.rowCount === 1;
    },
    count: async () => {
      const result = await pool.query<{ count: string }>('SELECT count(*) AS count FROM api_keys');
      return Number(result.rows[0]?.count ?? 0);
    },
  };
}
