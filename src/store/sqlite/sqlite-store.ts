import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { SCOPES } from '../../auth/scopes.js';
import type { ApiKeyRecord, ApiKeyStore, MoatStore } from '../moat-store.js';
import { assertSchemaNotNewer, runMigrations } from './migrations.js';

/** The store's file name inside Moat's data folder. */
export const SQLITE_FILE_NAME = 'moat.db';

/** How long a write waits for another process (say `moat keys create` beside `moat serve`). */
const BUSY_TIMEOUT_MS = 5000;

/** Only the owner may read the key store: it holds token hashes and, later, wrapped keys. */
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

/** SQLite's own name for a database that lives only in memory; no file is touched. */
const IN_MEMORY = ':memory:';

/**
 * Opens (creating when needed) the SQLite store at `filePath` and brings its schema up to
 * date. A file written by a newer Moat is refused, untouched.
 */
export function openSqliteStore(filePath: string): MoatStore {
  const isInMemory = filePath === IN_MEMORY;
  if (!isInMemory) prepareFile(filePath);

  const db = openDatabase(filePath);
  try {
    assertSchemaNotNewer(db, filePath);
    applyPragmas(db, isInMemory);
    runMigrations(db, filePath);
    if (!isInMemory) restrictSidecarFiles(filePath);
  } catch (error) {
    db.close();
    throw error;
  }

  return createStore(db, isInMemory);
}

function prepareFile(filePath: string): void {
  mkdirSync(dirname(filePath), { recursive: true, mode: FOLDER_MODE });

  // Create the file ourselves with a narrow mode: SQLite would use the umask, and it gives
  // the WAL and shared-memory files the same mode as the database file.
  try {
    closeSync(openSync(filePath, 'wx', FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(filePath, FILE_MODE);
}

function openDatabase(filePath: string): Database.Database {
  try {
    const db = new Database(filePath, { fileMustExist: filePath !== IN_MEMORY });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);

    // Reading the header now turns "not a database" into an error that names the file.
    db.pragma('schema_version', { simple: true });
    return db;
  } catch (error) {
    throw new Error(`cannot open the database ${filePath}`, { cause: error });
  }
}

function applyPragmas(db: Database.Database, isInMemory: boolean): void {
  if (!isInMemory) db.pragma('journal_mode = WAL');

  // Deleted rows are overwritten with zeros instead of lingering in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
}

function restrictSidecarFiles(filePath: string): void {
  for (const suffix of ['-wal', '-shm']) {
    const sidecar = filePath + suffix;
    if (existsSync(sidecar)) chmodSync(sidecar, FILE_MODE);
  }
}

function createStore(db: Database.Database, isInMemory: boolean): MoatStore {
  const apiKeys = createApiKeyStore(db);
  let isClosed = false;

  return {
    apiKeys,
    close() {
      if (isClosed) return;
      isClosed = true;

      // Fold the WAL back into the file and truncate it, so that old page images of
      // revoked or deleted rows do not outlive the process in the -wal file.
      if (!isInMemory) db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

const storedScopesSchema = z.array(z.enum(SCOPES));

function createApiKeyStore(db: Database.Database): ApiKeyStore {
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
    insert(record) {
      statements.insert.run(toRow(record));
      cache.clear();
    },
    findById(id) {
      return cache.get(id, () => {
        const row = statements.findById.get(id);
        return row === undefined ? undefined : fromRow(row);
      });
    },
    list() {
      return statements.list.all().map(fromRow);
    },
    revoke(id, revokedAt) {
      const isRevoked = statements.revoke.run(revokedAt.toISOString(), id).changes === 1;
      cache.clear();
      return isRevoked;
    },
    count() {
      return statements.count.get()?.count ?? 0;
    },
  };
}

/** Most records kept; past this the cache starts over, which only costs lookups. */
const MAX_CACHED_KEYS = 10_000;

/**
 * Key lookups sit on every request's path, so parsed records are kept in memory. They are
 * dropped whenever the database may have changed: `PRAGMA data_version` moves when another
 * connection commits (`moat keys revoke` beside a running server), and this connection's
 * own writes clear the cache directly. A revocation therefore takes effect on the next
 * request, as without the cache.
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

function toRow(record: ApiKeyRecord): ApiKeyRow {
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
function fromRow(row: ApiKeyRow): ApiKeyRecord {
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
