import type { AuditCheckpoint } from './audit-checkpoint.js';
import type { AuditEntry } from './audit-entry.js';

/** Which entries to read, by sequence number; both ends included. */
export interface AuditRange {
  fromSeq?: number;
  toSeq?: number;
  /** Most entries returned. */
  limit?: number;
}

/** What the last start recorded of its configuration (see `fingerprintConfig`). */
export interface ConfigState {
  /** Random, made once per store; keys the setting hashes. */
  salt: string;
  settingHashes: Record<string, string>;
}

/**
 * Where the audit log is kept: append-only, in sequence order. Both store backends implement
 * it and pass one behavioural suite (test/store/audit.test.ts).
 */
export interface AuditLogStore {
  /**
   * Appends one entry. `seal` is given the current head (undefined for an empty log) and
   * returns the entry to store. The backend holds a lock from reading the head until the
   * entry is committed, so sequence numbers and links never fork, even when several
   * processes append to one database.
   */
  append(seal: (head: AuditEntry | undefined) => AuditEntry): Promise<AuditEntry>;
  /** The entry with the highest sequence number; undefined for an empty log. */
  head(): Promise<AuditEntry | undefined>;
  /** Entries in the range, in sequence order. Rows are read as stored, unchecked. */
  read(range: AuditRange): Promise<AuditEntry[]>;
  /** Stores a signed checkpoint. */
  addCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  /** Every checkpoint, oldest first. */
  checkpoints(): Promise<AuditCheckpoint[]>;
  /** The configuration state the last start saved; undefined before the first start. */
  configState(): Promise<ConfigState | undefined>;
  /** Replaces the saved configuration state. */
  saveConfigState(state: ConfigState): Promise<void>;
}
