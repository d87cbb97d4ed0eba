import type { PartSchema } from '../store-schema.js';
import { API_KEY_SCHEMA } from './api-key-store.js';
import { AUDIT_SCHEMA } from './audit-store.js';
import { BREAK_GLASS_SCHEMA } from './break-glass-store.js';
import { SESSION_SCHEMA } from './session-store.js';
import { USER_SCHEMA } from './user-store.js';
import { KEYRING_SCHEMA } from './keyring-store.js';
import { MEMORY_SCHEMA } from './memory-store.js';

/**
 * Every part's tables on SQLite, in the order they are created. A part with tables appends
 * its schema here and the same part to `postgres/schemas.ts` (docs/store.md).
 */
export const SQLITE_SCHEMAS: readonly PartSchema[] = [
  API_KEY_SCHEMA,
  AUDIT_SCHEMA,
  BREAK_GLASS_SCHEMA,
  USER_SCHEMA,
  SESSION_SCHEMA,
  MEMORY_SCHEMA,
  KEYRING_SCHEMA,
];
