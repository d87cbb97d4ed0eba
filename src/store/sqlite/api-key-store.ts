import type Database from 'better-sqlite3';
import {
  apiKeyFromRow,
  apiKeyToRow,
  type ApiKeyRecord,
  type ApiKeyRow,
  type ApiKeyStore,
} from '../api-key-store.js';
import type { PartSchema } from '../store-schema.js';

/**
 * The api key tables. Times are ISO-8601 UTC text so that an operator reading the file with
 * the sqlite3 shell sees dates, and so that they sort as text.
 */
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
          created_at TEXT NOT NULL,
          revoked_at TEXT
        ) STRICT;
        CREATE INDEX api_keys_by_created_at ON api_keys (created_at);
      `,
    },
  ],
};

export function createApiKeyStore(db: Database.Database): ApiKeyStore {
  const statements = {
    insert: db.prepare<[ApiKeyRow]>(
      `INSERT INTO api_keys (id, name, scopes, token_hash, created_at, revoked_at)
       VALUES (@id, @name, @scopes, @token_hash, @created_at, @revoked_at)`,
    ),
    findById: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    list: db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at DESC, rowid DESC'),
    revoke: db.prepare<[string, string]>(
      'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    ),
    count: db.prepare<[], { count: number }>('SELECT count(*) AS count FROM api_keys'),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
  const cache = new KeyRecordCache(() => statements.dataVersion.get() ?? 0);

  return {
    insert: async (record) => {
      statements.insert.run(apiKeyToRow(record));
      cache.clear();
      return Promise.resolve();
    },
    findById: async (id) =>
      Promise.resolve(
        cache.get(id, () => {
          const row = statements.findById.get(id);
          return row === undefined ? undefined : apiKeyFromRow(row);
        }),
      ),
    list: async () => Promise.resolve(statements.list.all().map(apiKeyFromRow)),
    revoke: async (id, revokedAt) => {
      const isRevoked = statements.revoke.run(revokedAt.toISOString(), id).changes === 1;
      cache.clear();
      return Promise.resolve(isRevoked);
    },
    count: async () => Promise.resolve(statements.count.get()?.count ?? 0),
  };
}

/** Most records kept; past this the cache starts over, which only costs lookups. */
const MAX_CACHED_KEYS = 10_000;

/**
 * Parsed records kept in memory. They are dropped whenever the database may have changed:
 * `PRAGMA data_version` moves when another connection commits (`moat keys revoke` beside a
 * running server), and this connection's own writes clear the cache directly. A revocation
 * therefore takes effect on the next request, as without the cache.
 */
class KeyRecordCache {
  readonly #records = new Map<string, ApiKeyRecord>();
  readonly #readVersion: () => number;
  #version = -1;

  constructor(readVersion: () => number) {
    this.#readVersion = readVersion;
  }

  get(id: string, load: () => ApiKeyRecord | undefined): ApiKeyRecord | undefined {
    const version = this.#readVersion();
    if (version !== this.#version || this.#records.size >= MAX_CACHED_KEYS) {
      this.#records.clear();
      this.#version = version;
    }

    const cached = this.#records.get(id);
    if (cached !== undefined) return cached;
    const record = load();
    if (record !== undefined) this.#records.set(id, record);
    return record;
  }

  clear(): void {
    this.#records.clear();
  }
}
