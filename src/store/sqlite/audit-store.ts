import type Database from 'better-sqlite3';
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

const APPEND_ONLY = `SELECT RAISE(ABORT, 'the audit log is append-only')`;

/**
 * The audit tables. Triggers refuse updates and deletes through Moat's own connection; they
 * do not stop someone with the file, which is what the hash chain and checkpoints are for.
 */
export const AUDIT_SCHEMA: PartSchema = {
  part: 'audit',
  steps: [
    {
      version: 1,
      description: 'hash-chained audit log and its signed checkpoints',
      sql: `
        CREATE TABLE audit_entries (
          seq INTEGER PRIMARY KEY NOT NULL CHECK (seq > 0),
          time TEXT NOT NULL,
          actor_kind TEXT NOT NULL,
          actor_id TEXT NOT NULL,
          actor_role TEXT NOT NULL,
          action TEXT NOT NULL,
          targets TEXT NOT NULL,
          outcome TEXT NOT NULL,
          reason TEXT,
          prev_hash TEXT NOT NULL UNIQUE,
          hash TEXT NOT NULL UNIQUE
        ) STRICT;
        CREATE TABLE audit_checkpoints (
          id INTEGER PRIMARY KEY NOT NULL,
          seq INTEGER NOT NULL,
          hash TEXT NOT NULL,
          time TEXT NOT NULL,
          reason TEXT NOT NULL,
          key_id TEXT NOT NULL,
          signature TEXT NOT NULL
        ) STRICT;
        CREATE TABLE audit_config_state (
          id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
          salt TEXT NOT NULL,
          setting_hashes TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
          BEGIN ${APPEND_ONLY}; END;
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
          BEGIN ${APPEND_ONLY}; END;
        CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
          BEGIN ${APPEND_ONLY}; END;
        CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
          BEGIN ${APPEND_ONLY}; END;
      `,
    },
  ],
};

export function createAuditStore(db: Database.Database): AuditStore {
  const statements = {
    head: db.prepare<[], AuditEntryRow>('SELECT * FROM audit_entries ORDER BY seq DESC LIMIT 1'),
    insert: db.prepare<[AuditEntryRow]>(
      `INSERT INTO audit_entries (seq, time, actor_kind, actor_id, actor_role, action, targets,
         outcome, reason, prev_hash, hash)
       VALUES (@seq, @time, @actor_kind, @actor_id, @actor_role, @action, @targets, @outcome,
         @reason, @prev_hash, @hash)`,
    ),
    read: db.prepare<[number, number, number], AuditEntryRow>(
      'SELECT * FROM audit_entries WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?',
    ),
    addCheckpoint: db.prepare<[AuditCheckpointRow]>(
      `INSERT INTO audit_checkpoints (seq, hash, time, reason, key_id, signature)
       VALUES (@seq, @hash, @time, @reason, @key_id, @signature)`,
    ),
    checkpoints: db.prepare<[], AuditCheckpointRow>('SELECT * FROM audit_checkpoints ORDER BY id'),
    configState: db.prepare<[], ConfigStateRow>('SELECT * FROM audit_config_state WHERE id = 1'),
    saveConfigState: db.prepare<[string, string]>(
      `INSERT INTO audit_config_state (id, salt, setting_hashes) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE
         SET salt = excluded.salt, setting_hashes = excluded.setting_hashes`,
    ),
  };
  const readHead = () => {
    const row = statements.head.get();
    return row === undefined ? undefined : auditEntryFromRow(row);
  };

  // BEGIN IMMEDIATE takes the write lock before the head is read, so two processes on one
  // file cannot both build on the same head.
  const appendLocked = db.transaction((seal: Parameters<AuditStore['append']>[0]) => {
    const entry = seal(readHead());
    statements.insert.run(auditEntryToRow(entry));
    return entry;
  });

  return {
    append: async (seal) => Promise.resolve(appendLocked.immediate(seal)),
    head: async () => Promise.resolve(readHead()),
    read: async (range) => {
      const rows = statements.read.all(
        range.fromSeq ?? 1,
        range.toSeq ?? Number.MAX_SAFE_INTEGER,
        range.limit ?? -1,
      );
      return Promise.resolve(rows.map(auditEntryFromRow));
    },
    addCheckpoint: async (checkpoint) => {
      statements.addCheckpoint.run(auditCheckpointToRow(checkpoint));
      return Promise.resolve();
    },
    checkpoints: async () =>
      Promise.resolve(statements.checkpoints.all().map(auditCheckpointFromRow)),
    configState: async () => {
      const row = statements.configState.get();
      return Promise.resolve(row === undefined ? undefined : configStateFromRow(row));
    },
    saveConfigState: async (state) => {
      statements.saveConfigState.run(state.salt, JSON.stringify(state.settingHashes));
      return Promise.resolve();
    },
  };
}
