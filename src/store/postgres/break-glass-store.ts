import type pg from 'pg';
import {
  captureFromRow,
  grantFromRow,
  grantToRow,
  type BreakGlassStore,
  type CaptureRow,
  type GrantRow,
} from '../break-glass-store.js';
import type { PartSchema } from '../store-schema.js';

/** Grants and their captures, as on SQLite. */
export const BREAK_GLASS_SCHEMA: PartSchema = {
  part: 'break-glass',
  steps: [
    {
      version: 1,
      description: 'break-glass grants and their encrypted captures',
      sql: `
        CREATE TABLE break_glass_grants (
          id TEXT PRIMARY KEY NOT NULL,
          subject_kind TEXT NOT NULL,
          subject_id TEXT NOT NULL,
          reason TEXT NOT NULL,
          opened_by TEXT NOT NULL,
          reader_key_id TEXT NOT NULL,
          created_at TIMESTAMPTZ NOT NULL,
          expires_at TIMESTAMPTZ NOT NULL,
          is_awaiting_approval BOOLEAN NOT NULL,
          approved_by TEXT,
          closed_at TIMESTAMPTZ,
          shred_at TIMESTAMPTZ NOT NULL,
          shredded_at TIMESTAMPTZ,
          end_recorded_at TIMESTAMPTZ,
          wrapped_capture_key BYTEA,
          capture_key_id TEXT NOT NULL,
          receipt TEXT
        );
        CREATE TABLE break_glass_captures (
          id TEXT PRIMARY KEY NOT NULL,
          grant_id TEXT NOT NULL REFERENCES break_glass_grants (id),
          captured_at TIMESTAMPTZ NOT NULL,
          sealed BYTEA NOT NULL,
          seq BIGSERIAL NOT NULL
        );
        CREATE INDEX break_glass_captures_by_grant ON break_glass_captures (grant_id);
      `,
    },
  ],
};

const GRANT_COLUMNS = `id, subject_kind, subject_id, reason, opened_by, reader_key_id,
  created_at, expires_at, is_awaiting_approval, approved_by, closed_at, shred_at,
  shredded_at, end_recorded_at, wrapped_capture_key, capture_key_id, receipt`;

export function createBreakGlassStore(pool: pg.Pool): BreakGlassStore {
  const changesOne = async (sql: string, values: unknown[]): Promise<boolean> =>
    (await pool.query(sql, values)).rowCount === 1;

  return {
    insertGrant: async (grant) => {
      const row = grantToRow(grant);
      const values = Object.values({ ...row, is_awaiting_approval: grant.isAwaitingApproval });
      const placeholders = values.map((_, index) => `$${index + 1}`).join(', ');
      await pool.query(
        `INSERT INTO break_glass_grants (${GRANT_COLUMNS}) VALUES (${placeholders})`,
        values,
      );
    },
    findGrant: async (id) => {
      const result = await pool.query<GrantRow>('SELECT * FROM break_glass_grants WHERE id = $1', [
        id,
      ]);
      const row = result.rows[0];
      return row === undefined ? undefined : grantFromRow(row);
    },
    listGrants: async () => {
      const result = await pool.query<GrantRow>(
        'SELECT * FROM break_glass_grants ORDER BY created_at DESC, id DESC',
      );
      return result.rows.map(grantFromRow);
    },
    approve: async (id, approvedBy) =>
      changesOne(
        `UPDATE break_glass_grants SET is_awaiting_approval = false, approved_by = $1
         WHERE id = $2 AND is_awaiting_approval AND closed_at IS NULL`,
        [approvedBy, id],
      ),
    close: async (id, closedAt) =>
      changesOne(
        'UPDATE break_glass_grants SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL',
        [closedAt.toISOString(), id],
      ),
    markEndRecorded: async (id, at) =>
      changesOne(
        `UPDATE break_glass_grants SET end_recorded_at = $1
         WHERE id = $2 AND end_recorded_at IS NULL`,
        [at.toISOString(), id],
      ),
    addCapture: async (capture) => {
      await pool.query(
        `INSERT INTO break_glass_captures (id, grant_id, captured_at, sealed)
         VALUES ($1, $2, $3, $4)`,
        [capture.id, capture.grantId, capture.capturedAt.toISOString(), capture.sealed],
      );
    },
    listCaptures: async (grantId) => {
      const result = await pool.query<CaptureRow>(
        'SELECT * FROM break_glass_captures WHERE grant_id = $1 ORDER BY seq',
        [grantId],
      );
      return result.rows.map(captureFromRow);
    },
    shred: async (id, done) => shredLocked(pool, id, done),
  };
}

async function shredLocked(
  pool: pg.Pool,
  id: string,
  done: { shreddedAt: Date; receipt: string },
): Promise<{ captureCount: number } | undefined> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const marked = await client.query(
      `UPDATE break_glass_grants SET wrapped_capture_key = NULL, shredded_at = $1, receipt = $2
       WHERE id = $3 AND shredded_at IS NULL`,
      [done.shreddedAt.toISOString(), done.receipt, id],
    );
    if (marked.rowCount !== 1) {
      await client.query('ROLLBACK');
      return undefined;
    }
    const deleted = await client.query('DELETE FROM break_glass_captures WHERE grant_id = $1', [
      id,
    ]);
    await client.query('COMMIT');
    return { captureCount: deleted.rowCount ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
