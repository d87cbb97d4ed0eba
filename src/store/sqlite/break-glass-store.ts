import type Database from 'better-sqlite3';
import {
  captureFromRow,
  grantFromRow,
  grantToRow,
  type BreakGlassStore,
  type CaptureRow,
  type GrantRow,
} from '../break-glass-store.js';
import type { PartSchema } from '../store-schema.js';
import { flushDestroyedPages } from './keyring-store.js';

/** Grants and their captures. Captures hold ciphertext only and go when their grant is shredded. */
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
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL,
          is_awaiting_approval INTEGER NOT NULL,
          approved_by TEXT,
          closed_at TEXT,
          shred_at TEXT NOT NULL,
          shredded_at TEXT,
          end_recorded_at TEXT,
          wrapped_capture_key BLOB,
          capture_key_id TEXT NOT NULL,
          receipt TEXT
        ) STRICT;
        CREATE TABLE break_glass_captures (
          id TEXT PRIMARY KEY NOT NULL,
          grant_id TEXT NOT NULL REFERENCES break_glass_grants (id),
          captured_at TEXT NOT NULL,
          sealed BLOB NOT NULL
        ) STRICT;
        CREATE INDEX break_glass_captures_by_grant ON break_glass_captures (grant_id);
      `,
    },
  ],
};

export function createBreakGlassStore(db: Database.Database): BreakGlassStore {
  const statements = {
    insert: db.prepare<[GrantRow]>(
      `INSERT INTO break_glass_grants VALUES (@id, @subject_kind, @subject_id, @reason,
         @opened_by, @reader_key_id, @created_at, @expires_at, @is_awaiting_approval,
         @approved_by, @closed_at, @shred_at, @shredded_at, @end_recorded_at,
         @wrapped_capture_key, @capture_key_id, @receipt)`,
    ),
    find: db.prepare<[string], GrantRow>('SELECT * FROM break_glass_grants WHERE id = ?'),
    list: db.prepare<[], GrantRow>(
      'SELECT * FROM break_glass_grants ORDER BY created_at DESC, rowid DESC',
    ),
    approve: db.prepare<[string, string]>(
      `UPDATE break_glass_grants SET is_awaiting_approval = 0, approved_by = ?
       WHERE id = ? AND is_awaiting_approval = 1 AND closed_at IS NULL`,
    ),
    close: db.prepare<[string, string]>(
      'UPDATE break_glass_grants SET closed_at = ? WHERE id = ? AND closed_at IS NULL',
    ),
    markEnd: db.prepare<[string, string]>(
      'UPDATE break_glass_grants SET end_recorded_at = ? WHERE id = ? AND end_recorded_at IS NULL',
    ),
    addCapture: db.prepare<[string, string, string, Buffer]>(
      'INSERT INTO break_glass_captures (id, grant_id, captured_at, sealed) VALUES (?, ?, ?, ?)',
    ),
    captures: db.prepare<[string], CaptureRow>(
      'SELECT * FROM break_glass_captures WHERE grant_id = ? ORDER BY captured_at, rowid',
    ),
    deleteCaptures: db.prepare<[string]>('DELETE FROM break_glass_captures WHERE grant_id = ?'),
    shred: db.prepare<[string, string, string]>(
      `UPDATE break_glass_grants SET wrapped_capture_key = NULL, shredded_at = ?, receipt = ?
       WHERE id = ? AND shredded_at IS NULL`,
    ),
  };
  const shredLocked = db.transaction((id: string, done: { shreddedAt: Date; receipt: string }) => {
    const changed = statements.shred.run(done.shreddedAt.toISOString(), done.receipt, id).changes;
    if (changed === 0) return undefined;
    return { captureCount: statements.deleteCaptures.run(id).changes };
  });

  return {
    insertGrant: async (grant) => {
      statements.insert.run(grantToRow(grant));
      return Promise.resolve();
    },
    findGrant: async (id) => {
      const row = statements.find.get(id);
      return Promise.resolve(row === undefined ? undefined : grantFromRow(row));
    },
    listGrants: async () => Promise.resolve(statements.list.all().map(grantFromRow)),
    approve: async (id, approvedBy) =>
      Promise.resolve(statements.approve.run(approvedBy, id).changes === 1),
    close: async (id, closedAt) =>
      Promise.resolve(statements.close.run(closedAt.toISOString(), id).changes === 1),
    markEndRecorded: async (id, at) =>
      Promise.resolve(statements.markEnd.run(at.toISOString(), id).changes === 1),
    addCapture: async (capture) => {
      const { id, grantId, capturedAt, sealed } = capture;
      statements.addCapture.run(id, grantId, capturedAt.toISOString(), sealed);
      return Promise.resolve();
    },
    listCaptures: async (grantId) =>
      Promise.resolve(statements.captures.all(grantId).map(captureFromRow)),
    shred: async (id, done) => {
      const shredded = shredLocked.immediate(id, done);
      flushDestroyedPages(db);
      return Promise.resolve(shredded);
    },
  };
}
