import type pg from 'pg';
import {
  auditCheckpointFromRow,
  auditCheckpointToRow,
  auditEntryFromRow,
  auditEntryToRow,
  type AuditCheckpointRow,
  type AuditEntryRow,
  type AuditStore,
  configStateFromRow,
  type ConfigStateRow,
} from '../audit-store.js';
import type { PartSchema } from '../store-schema.js';

/**
 * The audit tables, as on SQLite. The triggers refuse updates and deletes through Moat's own
 * connections; they do not stop a database superuser, which is what the hash chain and the
 * signed checkpoints are for.
 */
export const AUDIT_SCHEMA: PartSchema = {
  part: 'audit',
  steps: [
    {
      version: 1,
      description: 'hash-chained audit log and its signed checkpoints',
      sql: `
        CREATE TABLE audit_entries (
          seq BIGINT PRIMARY KEY NOT NULL CHECK (seq > 0),
          time TIMESTAMPTZ NOT NULL,
          actor_kind TEXT NOT NULL,
          actor_id TEXT NOT NULL,
          actor_role TEXT NOT NULL,
          action TEXT NOT NULL,
          targets TEXT NOT NULL,
          outcome TEXT NOT NULL,
          reason TEXT,
          prev_hash TEXT NOT NULL UNIQUE,
          hash TEXT NOT NULL UNIQUE
        );
        CREATE TABLE audit_checkpoints (
          id BIGSERIAL PRIMARY KEY,
          seq BIGINT NOT NULL,
          hash TEXT NOT NULL,
          time TIMESTAMPTZ NOT NULL,
          reason TEXT NOT NULL,
          key_id TEXT NOT NULL,
          signature TEXT NOT NULL
        );
        CREATE TABLE audit_config_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          salt TEXT NOT NULL,
          setting_hashes TEXT NOT NULL
        );
        CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;
        $$;
        CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
          FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
        CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
          FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
      `,
    },
  ],
};

/**
 * Serialises appends across every process on the database. The key is derived from the
 * schema, so separate Moat stores in one database do not wait for each other.
 */
const LOCK_APPENDS = `SELECT pg_advisory_xact_lock(hashtext('moat.audit.' || current_schema()))`;

const SELECT_HEAD = 'SELECT * FROM audit_entries ORDER BY seq DESC LIMIT 1';

const INSERT_ENTRY = `INSERT INTO audit_entries (seq, time, actor_kind, actor_id, actor_role,
  action, targets, outcome, reason, prev_hash, hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

export function createAuditStore(pool: pg.Pool): AuditStore {
  return {
    append: async (seal) => appendLocked(pool, seal),
    head: async () => {
      const row = (await pool.query<AuditEntryRow>(SELECT_HEAD)).rows[0];
      return row === undefined ? undefined : auditEntryFromRow(row);
    },
    read: async (range) => {
      const result = await pool.query<AuditEntryRow>(
        'SELECT * FROM audit_entries WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3',
        [range.fromSeq ?? 1, range.toSeq ?? Number.MAX_SAFE_INTEGER, range.limit ?? null],
      );
      return result.rows.map(auditEntryFromRow);
    },
    addCheckpoint: async (checkpoint) => {
      const row = auditCheckpointToRow(checkpoint);
      await pool.query(
        `INSERT INTO audit_checkpoints (seq, hash, time, reason, key_id, signature)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.seq, row.hash, row.time, row.reason, row.key_id, row.signature],
      );
    },
    checkpoints: async () => {
      const result = await pool.query<AuditCheckpointRow>(
        'SELECT * FROM audit_checkpoints ORDER BY id',
      );
      return result.rows.map(auditCheckpointFromRow);
    },
    configState: async () => {
      const result = await pool.query<ConfigStateRow>(
        'SELECT * FROM audit_config_state WHERE id = 1',
      );
      const row = result.rows[0];
      return row === undefined ? undefined : configStateFromRow(row);
    },
    saveConfigState: async (state) => {
      await pool.query(
        `INSERT INTO audit_config_state (id, salt, setting_hashes) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE
         SET salt = excluded.salt, setting_hashes = excluded.setting_hashes`,
        [state.salt, JSON.stringify(state.settingHashes)],
      );
    },
  };
}

/** Reads the head and inserts the next entry inside one transaction, under the lock. */
async function appendLocked(
  pool: pg.Pool,
  seal: Parameters<AuditStore['append']>[0],
): ReturnType<AuditStore['append']> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(LOCK_APPENDS);
    const headRow = (await client.query<AuditEntryRow>(SELECT_HEAD)).rows[0];
    const entry = seal(headRow === undefined ? undefined : auditEntryFromRow(headRow));

    const row = auditEntryToRow(entry);
    await client.query(INSERT_ENTRY, [
      row.seq,
      row.time,
      row.actor_kind,
      row.actor_id,
      row.actor_role,
      row.action,
      row.targets,
      row.outcome,
      row.reason,
      row.prev_hash,
      row.hash,
    ]);
    await client.query('COMMIT');
    return entry;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
