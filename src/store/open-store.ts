import { join } from 'node:path';
import type { MoatStore } from './moat-store.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

/** The store's file name inside Moat's data folder. */
export const SQLITE_FILE_NAME = 'moat.db';

/** Where the store lives: the embedded file, or a PostgreSQL database. */
export type StoreLocation =
  { backend: 'sqlite'; filePath: string } | { backend: 'postgres'; url: string; schema?: string };

/** The store a configuration names: `store.url` when set, else the file in the data folder. */
export function storeLocation(config: {
  dataDir: string;
  store: { url?: string | undefined };
}): StoreLocation {
  const { url } = config.store;
  if (url !== undefined) return { backend: 'postgres', url };
  return { backend: 'sqlite', filePath: join(config.dataDir, SQLITE_FILE_NAME) };
}

/** Opens (creating when needed) the store and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<MoatStore> {
  if (location.backend === 'sqlite') return openSqliteStore(location.filePath);
  return openPostgresStore(
    location.schema === undefined
      ? { url: location.url }
      : { url: location.url, schema: location.schema },
  );
}
