import type {
  AuditAction,
  AuditCheckpoint,
  AuditEntry,
  AuditOutcome,
  ConfigState,
} from '../audit/index.js';

export type { AuditLogStore as AuditStore, AuditRange, ConfigState } from '../audit/index.js';

/** A row of `audit_entries`, as both backends hold it. */
export interface AuditEntryRow {
  seq: number | string;
  /** ISO-8601 text in SQLite, a timestamp in PostgreSQL. */
  time: string | Date;
  actor_kind: string;
  actor_id: string;
  actor_role: string;
  action: string;
  /** JSON array of `kind:id` strings. */
  targets: string;
  outcome: string;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

/** A row of `audit_checkpoints`. */
export interface AuditCheckpointRow {
  seq: number | string;
  hash: string;
  time: string | Date;
  reason: string;
  key_id: string;
  signature: string;
}

export function auditEntryToRow(entry: AuditEntry): AuditEntryRow {
  return {
    seq: entry.seq,
    time: entry.time,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    actor_role: entry.actor.role,
    action: entry.action,
    targets: JSON.stringify(entry.targets),
    outcome: entry.outcome,
    reason: entry.reason,
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

/**
 * Rows are taken as stored, without judging them: a row someone changed by hand must reach
 * the verifier as it is, so that the verifier can say what is wrong with it.
 */
export function auditEntryFromRow(row: AuditEntryRow): AuditEntry {
  return {
    seq: Number(row.seq),
    time: toIsoTime(row.time),
    actor: {
      kind: row.actor_kind as AuditEntry['actor']['kind'],
      id: row.actor_id,
      role: row.actor_role,
    },
    action: row.action as AuditAction,
    targets: parseTargets(row.targets),
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function auditCheckpointToRow(checkpoint: AuditCheckpoint): AuditCheckpointRow {
  return {
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    time: checkpoint.time,
    reason: checkpoint.reason,
    key_id: checkpoint.keyId,
    signature: checkpoint.signature,
  };
}

export function auditCheckpointFromRow(row: AuditCheckpointRow): AuditCheckpoint {
  return {
    seq: Number(row.seq),
    hash: row.hash,
    time: toIsoTime(row.time),
    reason: row.reason as AuditCheckpoint['reason'],
    keyId: row.key_id,
    signature: row.signature,
  };
}

function toIsoTime(time: string | Date): string {
  return typeof time === 'string' ? time : time.toISOString();
}

/** Unreadable targets become a value no entry can hash to, so the verifier flags the row. */
function parseTargets(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // Falls through to the marker below.
  }
  return ['unreadable:targets'];
}

/** The one row of `audit_config_state`. */
export interface ConfigStateRow {
  salt: string;
  /** JSON object of setting name to hash. */
  setting_hashes: string;
}

/** An unreadable saved state counts as none: every setting is then reported as changed. */
export function configStateFromRow(row: ConfigStateRow): ConfigState {
  try {
    const parsed: unknown = JSON.parse(row.setting_hashes);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { salt: row.salt, settingHashes: parsed as Record<string, string> };
    }
  } catch {
    // Falls through to an empty state.
  }
  return { salt: row.salt, settingHashes: {} };
}
