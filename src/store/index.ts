export type { ApiKeyRecord, ApiKeyStore, MoatStore } from './moat-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
