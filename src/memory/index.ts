export {
  openMemory,
  epochScheduleOf,
  epochKeyFileOf,
  type Memory,
  type OpenMemoryOptions,
} from './open-memory.js';
export { EpochKeyFile, EPOCH_KEY_FILE_NAME } from './epoch-key-file.js';
export { createBackup, parseBackup } from './memory-backup.js';
export { restoreBackup, type RestoreResult } from './restore-backup.js';
export { verifyErasure, type ErasureReport, type ItemErasure } from './verify-erasure.js';
export type { BackupFile } from './backup-format.js';
export {
  MemoryService,
  isItemId,
  MAX_LIST_ITEMS,
  type MemoryTextFilter,
  type OpenedItem,
  type SaveRequest,
} from './memory-service.js';
export { MemoryEraser } from './memory-eraser.js';
export { MemoryKeyring } from './memory-keyring.js';
export {
  RetentionPolicy,
  DEFAULT_DATA_CLASS,
  type RetentionLimits,
  type RetentionSettings,
} from './retention-policy.js';
export type { MemoryContent, StoredMessage } from './memory-content.js';
export {
  hashItemId,
  signDeletionReceipt,
  parseDeletionReceipt,
  verifyDeletionReceipt,
  DELETION_KINDS,
  type DeletionKind,
  type DeletionReceipt,
  type DeletionReceiptPayload,
} from './deletion-receipt.js';
export { openSigningKey, readPublicKey, rewrapSigningKey } from './signing-key-store.js';
export {
  resolveMasterKey,
  MASTER_KEY_ENV,
  GENERATED_MASTER_KEY_FILE,
  type MasterKeySource,
} from './master-key-source.js';
export {
  RetentionSweeper,
  type RetentionSweeperOptions,
  type SweepResult,
} from './retention-sweeper.js';
export { actorOfRequester } from './memory-audit.js';
