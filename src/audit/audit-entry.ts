import { createHash } from 'node:crypto';
import { MoatError } from '../errors/index.js';
import {
  ACTOR_KINDS,
  AUDIT_OUTCOMES,
  isAuditAction,
  type ActorKind,
  type AuditAction,
  type AuditOutcome,
} from './audit-actions.js';

/** Who performed an action. Ids only: a key id, a user id, `moat`, or the operator's name. */
export interface AuditActor {
  kind: ActorKind;
  id: string;
  /** The scope the actor acted with (`admin`, `auditor`…), or `system`/`operator`. */
  role: string;
}

/** What a caller hands to the audit log; the log adds sequence, time and hashes. */
export interface AuditRecordInput {
  actor: AuditActor;
  action: AuditAction;
  /** `kind:id` pairs such as `key:abcd…` or `model:demo`; never content. */
  targets?: readonly string[];
  outcome: AuditOutcome;
  /** A reason an administrator wrote, where one was given. */
  reason?: string | null;
}

/** One stored entry of the hash chain. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601 in UTC, millisecond precision. */
  time: string;
  actor: AuditActor;
  action: AuditAction;
  targets: readonly string[];
  outcome: AuditOutcome;
  reason: string | null;
  /** The `hash` of the entry before, or GENESIS_HASH for the first. */
  prevHash: string;
  /** SHA-256 over the entry's canonical encoding, hex. */
  hash: string;
}

/** Moat itself, as the actor of what it does on its own (starting, expiring, sweeping). */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: 'moat', role: 'system' };

/** What the first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Ties the hash to this format, so that a hash from another structure can never match. */
const ENTRY_LABEL = 'moat.audit.entry.v1';

const ID_PATTERN = /^[A-Za-z0-9._:@/+=~-]{1,128}$/;

/** Whether `id` may stand in an entry as an actor id or a target's id part. */
export function isAuditId(id: string): boolean {
  return ID_PATTERN.test(id);
}
const TARGET_PATTERN = /^[a-z][a-z-]{0,31}:[A-Za-z0-9._:@/+=~-]{1,128}$/;
const ROLE_PATTERN = /^[a-z][a-z-]{0,31}$/;
const MAX_TARGETS = 32;
const MAX_REASON_LENGTH = 500;

/**
 * The bytes an entry's hash covers: every field but the hash, in a fixed order, as a JSON
 * array. Arrays of strings, numbers and null encode the same way in every JSON encoder, so a
 * verifier elsewhere needs no canonicalisation library to recompute it.
 */
export function encodeAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([
    ENTRY_LABEL,
    entry.seq,
    entry.time,
    entry.actor.kind,
    entry.actor.id,
    entry.actor.role,
    entry.action,
    entry.targets,
    entry.outcome,
    entry.reason,
    entry.prevHash,
  ]);
}

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(encodeAuditEntry(entry)).digest('hex');
}

/** Builds the next entry of the chain after `previous` (undefined for the first). */
export function sealAuditEntry(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  input: AuditRecordInput,
  now: Date,
): AuditEntry {
  const checked = checkAuditInput(input);
  const unsealed = {
    seq: (previous?.seq ?? 0) + 1,
    time: now.toISOString(),
    ...checked,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: hashAuditEntry(unsealed) };
}

/**
 * Refuses anything that could carry content: targets and ids must look like ids, and a
 * reason is bounded and single-line. Errors name the field, never the value.
 */
export function checkAuditInput(
  input: AuditRecordInput,
): Pick<AuditEntry, 'actor' | 'action' | 'targets' | 'outcome' | 'reason'> {
  const { actor, action, outcome } = input;
  const targets = [...(input.targets ?? [])];
  const reason = input.reason ?? null;

  if (!ACTOR_KINDS.includes(actor.kind)) throw auditInputError('actor.kind');
  if (!ID_PATTERN.test(actor.id)) throw auditInputError('actor.id');
  if (!ROLE_PATTERN.test(actor.role)) throw auditInputError('actor.role');
  if (!isAuditAction(action)) throw auditInputError('action');
  if (!AUDIT_OUTCOMES.includes(outcome)) throw auditInputError('outcome');
  if (targets.length > MAX_TARGETS || !targets.every((t) => TARGET_PATTERN.test(t))) {
    throw auditInputError('targets');
  }
  if (reason !== null && !isAcceptableReason(reason)) throw auditInputError('reason');

  return {
    actor: { kind: actor.kind, id: actor.id, role: actor.role },
    action,
    targets,
    outcome,
    reason,
  };
}

/** A reason is one line of printable text, at most 500 characters. */
export function isAcceptableReason(reason: string): boolean {
  if (reason.trim().length === 0 || reason.length > MAX_REASON_LENGTH) return false;
  for (let index = 0; index < reason.length; index += 1) {
    const code = reason.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** A short, stable stand-in for a value that must not be written itself. */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

function auditInputError(field: string): MoatError {
  return new MoatError('invalid_request', {
    detail: `The audit entry's ${field} is not acceptable: ids and short hashes only.`,
    param: field,
  });
}
