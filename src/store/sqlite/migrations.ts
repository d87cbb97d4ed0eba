import type Database from 'better-sqlite3';
import {
  findNewerSchema,
  MIGRATIONS_TABLE,
  newerStoreError,
  type PartSchema,
} from '../store-schema.js';

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    part TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (part, version)
  ) STRICT
`;

/**
 * The first release kept one schema version for the whole file in `schema_migrations`, and
 * its version 1 is today's `api-keys` version 1. Such a file is adopted once.
 */
const LEGACY_TABLE = 'schema_migrations';

function hasTable(db: Database.Database, name: string): boolean {
  const row = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name);
  return row !== undefined;
}

/**
 * The newest version of each part recorded in the file; empty for a new file. Reads only, so
 * that a file from a newer Moat is left exactly as it was found.
 */
export function readSchemaVersions(db: Database.Database): Map<string, number> {
  const versions = new Map<string, number>();
  if (hasTable(db, LEGACY_TABLE)) {
    const legacy = db.prepare(`SELECT max(version) FROM ${LEGACY_TABLE}`).pluck().get();
    versions.set(Number(legacy) > 1 ? 'whole-file' : 'api-keys', Number(legacy ?? 0));
  }
  if (!hasTable(db, MIGRATIONS_TABLE)) return versions;

  const rows = db
    .prepare(`SELECT part, max(version) AS version FROM ${MIGRATIONS_TABLE} GROUP BY part`)
    .all() as { part: string; version: number }[];
  for (const row of rows) versions.set(row.part, row.version);
  return versions;
}

/** Refuses a file whose schema is newer than this build knows. */
export function assertSchemaNotNewer(
  db: Database.Database,
  filePath: string,
  schemas: readonly PartSchema[],
): void {
  const reason = findNewerSchema(readSchemaVersions(db), schemas);
  if (reason !== undefined) throw newerStoreError(filePath, reason);
}

/**
 * Brings every part up to its latest schema. Runs in one immediate transaction so that two
 * processes opening the same new file cannot both apply a step, and a failed step leaves
 * nothing half done.
 */
export function runMigrations(
  db: Database.Database,
  filePath: string,
  schemas: readonly PartSchema[],
): void {
  const migrate = db.transaction(() => {
    assertSchemaNotNewer(db, filePath, schemas);
    db.exec(CREATE_MIGRATIONS_TABLE);
    adoptLegacyTable(db);

    const applied = readSchemaVersions(db);
    const record = db.prepare(
      `INSERT INTO ${MIGRATIONS_TABLE} (part, version, description, applied_at)
       VALUES (?, ?, ?, ?)`,
    );
    for (const schema of schemas) {
      for (const step of schema.steps) {
        if (step.version <= (applied.get(schema.part) ?? 0)) continue;
        db.exec(step.sql);
        record.run(schema.part, step.version, step.description, new Date().toISOString());
      }
    }
  });

  migrate.immediate();
}

function adoptLegacyTable(db: Database.Database): void {
  if (!hasTable(db, LEGACY_TABLE)) return;
  db.prepare(
    `INSERT OR IGNORE INTO ${MIGRATIONS_TABLE} (part, version, description, applied_at)
     SELECT 'api-keys', version, description, applied_at FROM ${LEGACY_TABLE} WHERE version = 1`,
  ).run();
  db.exec(`DROP TABLE ${LEGACY_TABLE}`);
}
