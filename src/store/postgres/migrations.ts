import type pg from 'pg';
import {
  findNewerSchema,
  MIGRATIONS_TABLE,
  newerStoreError,
  type PartSchema,
} from '../store-schema.js';

/** Names the store in messages without its URL, which may carry a password. */
export const POSTGRES_STORE_NAME = 'at store.url';

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    part TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (part, version)
  )
`;

/** Any fixed number: every Moat replica takes the same lock before it migrates. */
const MIGRATION_LOCK_ID = 0x6d6f6174;

/** The newest version of each part recorded in the schema; empty for a new database. */
export async function readSchemaVersions(client: pg.ClientBase): Promise<Map<string, number>> {
  const table = await client.query<{ name: string | null }>(
    'SELECT to_regclass($1)::text AS name',
    [MIGRATIONS_TABLE],
  );
  const versions = new Map<string, number>();
  if (table.rows[0]?.name === null) return versions;

  const rows = await client.query<{ part: string; version: number }>(
    `SELECT part, max(version) AS version FROM ${MIGRATIONS_TABLE} GROUP BY part`,
  );
  for (const row of rows.rows) versions.set(row.part, row.version);
  return versions;
}

/**
 * Brings every part up to its latest schema in one transaction, under an advisory lock so
 * that replicas starting together apply each step once. A database from a newer Moat is
 * refused before anything is written, and the transaction is rolled back.
 */
export async function runMigrations(
  client: pg.ClientBase,
  schemas: readonly PartSchema[],
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await readSchemaVersions(client);
    const reason = findNewerSchema(applied, schemas);
    if (reason !== undefined) throw newerStoreError(POSTGRES_STORE_NAME, reason);

    await client.query(CREATE_MIGRATIONS_TABLE);
    for (const schema of schemas) {
      for (const step of schema.steps) {
        if (step.version <= (applied.get(schema.part) ?? 0)) continue;
        await client.query(step.sql);
        await client.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (part, version, description, applied_at)
           VALUES ($1, $2, $3, now())`,
          [schema.part, step.version, step.description],
        );
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
