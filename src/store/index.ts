export type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
export type { AuditStore, AuditRange, ConfigState } from './audit-store.js';
export {
  GRANT_SUBJECT_KINDS,
  type BreakGlassGrant,
  type BreakGlassStore,
  type CaptureRecord,
  type GrantSubjectKind,
} from './break-glass-store.js';
export type { SessionRecord, SessionStore } from './session-store.js';
export type { UserRecord, UserStore } from './user-store.js';
export { STORE_BACKENDS, type MoatStore, type StoreBackend } from './moat-store.js';
export type { PartSchema, SchemaStep } from './store-schema.js';
export { openStore, storeLocation, SQLITE_FILE_NAME, type StoreLocation } from './open-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
export { API_KEY_CACHE_TTL_MS } from './postgres/api-key-store.js';
export type {
  DestroyedOwnerKeys,
  ItemKeyRecord,
  KeyringStore,
  OwnerKeyRecord,
  SigningKeyRecord,
  WrappedKey,
} from './keyring-store.js';
export {
  MEMORY_KINDS,
  type MemoryItemMetadata,
  type MemoryItemRecord,
  type MemoryKind,
  type MemoryStore,
  type OwnerSummary,
  type ReceiptRecord,
} from './memory-store.js';
