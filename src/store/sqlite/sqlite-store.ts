import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { MoatStore } from '../moat-store.js';
import { createApiKeyStore } from './api-key-store.js';
import { createAuditStore } from './audit-store.js';
import { createBreakGlassStore } from './break-glass-store.js';
import { createSessionStore } from './session-store.js';
import { createUserStore } from './user-store.js';
import { createKeyringStore } from './keyring-store.js';
import { createMemoryStore } from './memory-store.js';
import { assertSchemaNotNewer, runMigrations } from './migrations.js';
import { SQLITE_SCHEMAS } from './schemas.js';

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
    assertSchemaNotNewer(db, filePath, SQLITE_SCHEMAS);
    applyPragmas(db, isInMemory);
    runMigrations(db, filePath, SQLITE_SCHEMAS);
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
  let isClosed = false;

  return {
    backend: 'sqlite',
    apiKeys: createApiKeyStore(db),
    audit: createAuditStore(db),
    breakGlass: createBreakGlassStore(db),
    users: createUserStore(db),
    sessions: createSessionStore(db),
    keyring: createKeyringStore(db),
    memory: createMemoryStore(db),
    close: async () => {
      if (isClosed) return;
      isClosed = true;

      // Fold the WAL back into the file and truncate it, so that old page images of
      // revoked or deleted rows do not outlive the process in the -wal file.
      if (!isInMemory) db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      return Promise.resolve();
    },
  };
}
