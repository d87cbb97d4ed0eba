export {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  ACTOR_KINDS,
  isAuditAction,
  matchesActionFilter,
  type AuditAction,
  type AuditOutcome,
  type ActorKind,
} from './audit-actions.js';
export {
  SYSTEM_ACTOR,
  GENESIS_HASH,
  encodeAuditEntry,
  hashAuditEntry,
  sealAuditEntry,
  checkAuditInput,
  isAcceptableReason,
  isAuditId,
  shortHash,
  type AuditActor,
  type AuditEntry,
  type AuditRecordInput,
} from './audit-entry.js';
export {
  CHECKPOINT_REASONS,
  makeCheckpoint,
  checkpointPayload,
  type AuditCheckpoint,
  type CheckpointPayload,
  type CheckpointReason,
  type CheckpointSigner,
  type CheckpointVerifier,
} from './audit-checkpoint.js';
export {
  CHAIN_BREAK_KINDS,
  verifyAuditChain,
  type ChainBreak,
  type ChainBreakKind,
  type ChainReport,
  type VerifyChainOptions,
} from './verify-audit-chain.js';
export { AuditLog, type Auditor, type AuditLogOptions } from './audit-log.js';
export type { AuditLogStore, AuditRange, ConfigState } from './audit-log-store.js';
export {
  fingerprintConfig,
  changedSettings,
  type ConfigFingerprint,
} from './config-fingerprint.js';
export {
  formatAuditExport,
  parseAuditExport,
  type AuditExport,
  type AuditExportHeader,
} from './audit-export.js';
export {
  matchesAuditFilter,
  readAuditEntries,
  findAuditEntries,
  formatAuditEntry,
  type AuditFilter,
} from './audit-query.js';
export { verifyStoredLog, exportStoredLog } from './stored-log.js';
export { checkpointSigner, checkpointVerifier } from './checkpoint-keys.js';
export { writtenReasonSchema } from './written-reason.js';
