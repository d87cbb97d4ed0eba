import pg from 'pg';
import type { MoatStore } from '../moat-store.js';
import { createApiKeyStore } from './api-key-store.js';
import { createAuditStore } from './audit-store.js';
import { createBreakGlassStore } from './break-glass-store.js';
import { createSessionStore } from './session-store.js';
import { createUserStore } from './user-store.js';
import { createKeyringStore } from './keyring-store.js';
import { createMemoryStore } from './memory-store.js';
import { POSTGRES_STORE_NAME, runMigrations } from './migrations.js';
import { POSTGRES_SCHEMAS } from './schemas.js';

export interface PostgresStoreOptions {
  /** A `postgres://` or `postgresql://` URL. It may carry a password, so it is never shown. */
  url: string;
  /** Tables live in this schema instead of the user's default search path. */
  schema?: string;
  /** Most connections held open. @default 10 */
  maxConnections?: number;
}

/** How long opening the store waits for PostgreSQL before it gives up. */
const CONNECT_TIMEOUT_MS = 5000;

const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL and brings the schema up to date. A database written by a newer
 * Moat is refused, untouched. Errors name `store.url` but never show it.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<MoatStore> {
  const pool = new pg.Pool(poolConfig(options));
  // An idle connection that PostgreSQL drops would otherwise end the process; the pool
  // replaces it, and the next query reports a lasting fault.
  pool.on('error', () => undefined);

  try {
    const client = await pool.connect();
    try {
      await runMigrations(client, POSTGRES_SCHEMAS);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw describeOpenFailure(error);
  }

  return createStore(pool);
}

function poolConfig(options: PostgresStoreOptions): pg.PoolConfig {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error('the PostgreSQL schema name must be lowercase letters, digits and "_"');
  }
  return {
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
}

/** Keeps our own refusals; anything from the driver is reduced to its code, never its text. */
function describeOpenFailure(error: unknown): Error {
  if (error instanceof Error && error.message.startsWith('the store ')) return error;

  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/i.test(code) ? ` (${code})` : '';
  return new Error(
    `cannot open the PostgreSQL store ${POSTGRES_STORE_NAME}${reason}; check that the server ` +
      'is running, that the URL in store.url is right, and that the user may create tables',
    { cause: error },
  );
}

function createStore(pool: pg.Pool): MoatStore {
  let closing: Promise<void> | undefined;

  return {
    backend: 'postgres',
    apiKeys: createApiKeyStore(pool),
    audit: createAuditStore(pool),
    breakGlass: createBreakGlassStore(pool),
    users: createUserStore(pool),
    sessions: createSessionStore(pool),
    keyring: createKeyringStore(pool),
    memory: createMemoryStore(pool),
    close: async () => {
      closing ??= pool.end();
      return closing;
    },
  };
}
