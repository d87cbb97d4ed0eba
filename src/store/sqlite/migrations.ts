import type Database from 'better-sqlite3';

/**
 * One step of the schema. Versions are dense and only ever appended; a shipped step never
 * changes.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema, in order. Times are ISO-8601 UTC text so that an operator reading the file
 * with the sqlite3 shell sees dates, and so that they sort as text.
 */
export const MIGRATIONS: readonly Migration[] = [
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
];

/** The newest schema version this build of Moat knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce(
  (max, step) => Math.max(max, step.version),
  0,
);

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT
`;

/**
 * The schema version recorded in the file, 0 for a new file. Reads only, so that a file
 * from a newer Moat is left exactly as it was found.
 */
export function readSchemaVersion(db: Database.Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (table === undefined) return 0;

  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/** Refuses a file whose schema is newer than this build: writing to it could corrupt it. */
export function assertSchemaNotNewer(db: Database.Database, filePath: string): void {
  const fileVersion = readSchemaVersion(db);
  if (fileVersion <= LATEST_SCHEMA_VERSION) return;

  throw new Error(
    `the database ${filePath} has schema version ${fileVersion}, but this Moat knows only ` +
      `versions up to ${LATEST_SCHEMA_VERSION}; it was written by a newer Moat. ` +
      'Upgrade Moat, or point it at another data folder. The file was not changed.',
  );
}

/**
 * Brings the file up to the latest schema. Runs in one immediate transaction so that two
 * processes opening the same new file cannot both apply a step, and a failed step leaves
 * nothing half done.
 */
export function runMigrations(db: Database.Database, filePath: string): void {
  const migrate = db.transaction(() => {
    assertSchemaNotNewer(db, filePath);
    db.exec(CREATE_MIGRATIONS_TABLE);

    const current = readSchemaVersion(db);
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)',
    );
    for (const step of MIGRATIONS) {
      if (step.version <= current) continue;
      db.exec(step.sql);
      record.run(step.version, step.description, new Date().toISOString());
    }
  });

  migrate.immediate();
}
