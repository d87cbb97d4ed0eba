import type { ApiKeyStore } from './api-key-store.js';
import type { AuditStore } from './audit-store.js';
import type { BreakGlassStore } from './break-glass-store.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';
import type { KeyringStore } from './keyring-store.js';
import type { MemoryStore } from './memory-store.js';

/** The two backends; both hold the same tables and pass the same behavioural suite. */
export const STORE_BACKENDS = ['sqlite', 'postgres'] as const;
export type StoreBackend = (typeof STORE_BACKENDS)[number];

/**
 * Everything Moat persists, behind one interface with one part per concern. Every method
 * returns a Promise so that a networked backend (PostgreSQL) fits the same contract as the
 * embedded one (SQLite). Nothing here ever holds prompt or answer text in plaintext.
 *
 * A part that needs tables adds them to both backends as described in docs/store.md.
 */
export interface MoatStore {
  readonly backend: StoreBackend;
  readonly apiKeys: ApiKeyStore;
  /** The hash-chained audit log and its checkpoints; append-only. */
  readonly audit: AuditStore;
  /** Break-glass grants and their encrypted captures. */
  readonly breakGlass: BreakGlassStore;
  /** The chat page's accounts. */
  readonly users: UserStore;
  /** The chat page's sessions, by token hash. */
  readonly sessions: SessionStore;
  /** Wrapped keys only; apart from the content they protect. */
  readonly keyring: KeyringStore;
  /** Sealed memory items, their blind-index tokens and deletion receipts. */
  readonly memory: MemoryStore;
  /** Flushes and closes the store; idempotent. */
  close(): Promise<void>;
}
