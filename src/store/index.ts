export type { ApiKeyRecord, ApiKeyStore, MoatStore } from './moat-store.js';
export { openSqliteStore, SQLITE_FILE_NAME } from './sqlite/sqlite-store.js';
