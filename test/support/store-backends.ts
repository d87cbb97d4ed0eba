import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import type { StoreBackend, StoreLocation } from '../../src/store/index.js';

const run = promisify(execFile);

/** What the shared store suite needs from a backend, beyond the store itself. */
export interface StoreHarness {
  backend: StoreBackend;
  /** A new, empty place for a store; removed after the file's tests. */
  newLocation(): Promise<StoreLocation>;
  /** Runs SQL against the store's tables behind Moat's back (faults, newer schemas). */
  exec(location: StoreLocation, sql: string): Promise<void>;
  /** One row of a query run behind Moat's back. */
  queryOne(location: StoreLocation, sql: string): Promise<Record<string, unknown> | undefined>;
  /** Every byte the backend holds for this store: file and WAL, or a `pg_dump`. */
  dump(location: StoreLocation): Promise<Buffer>;
}

/**
 * Runs `suite` once per backend. PostgreSQL runs use a randomly named schema per location,
 * dropped afterwards; they are skipped (and the run says so) when PostgreSQL is missing.
 */
export function describeEachBackend(title: string, suite: (harness: StoreHarness) => void): void {
  const postgresUrl = inject('postgresUrl');
  describe(`${title} [sqlite]`, () => {
    suite(sqliteHarness());
  });
  describe.skipIf(postgresUrl === null)(`${title} [postgres]`, () => {
    suite(postgresHarness(postgresUrl ?? ''));
  });
}

function sqliteHarness(): StoreHarness {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  const open = (location: StoreLocation) => new Database(sqlitePath(location));

  return {
    backend: 'sqlite',
    newLocation: async () => {
      const folder = mkdtempSync(join(tmpdir(), 'moat-store-'));
      folders.push(folder);
      return Promise.resolve({ backend: 'sqlite', filePath: join(folder, 'moat.db') });
    },
    exec: async (location, sql) => {
      const db = open(location);
      db.exec(sql);
      db.close();
      return Promise.resolve();
    },
    queryOne: async (location, sql) => {
      const db = open(location);
      const row = db.prepare(sql).get() as Record<string, unknown> | undefined;
      db.close();
      return Promise.resolve(row);
    },
    dump: async (location) => {
      const path = sqlitePath(location);
      const parts = [path, `${path}-wal`].filter((file) => existsSync(file));
      return Promise.resolve(Buffer.concat(parts.map((file) => readFileSync(file))));
    },
  };
}

function sqlitePath(location: StoreLocation): string {
  if (location.backend !== 'sqlite') throw new Error('not a SQLite location');
  return location.filePath;
}

function postgresHarness(url: string): StoreHarness {
  const schemas: string[] = [];
  afterAll(async () => {
    if (schemas.length === 0) return;
    await withClient(url, undefined, async (client) => {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });
  });

  return {
    backend: 'postgres',
    newLocation: async () => {
      const schema = `moat_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      await withClient(url, undefined, (client) => client.query(`CREATE SCHEMA ${schema}`));
      return { backend: 'postgres', url, schema };
    },
    exec: async (location, sql) => {
      await withClient(url, postgresSchema(location), (client) => client.query(sql));
    },
    queryOne: async (location, sql) =>
      withClient(url, postgresSchema(location), async (client) => {
        const result = await client.query<Record<string, unknown>>(sql);
        return result.rows[0];
      }),
    dump: async (location) => {
      const { stdout } = await run('pg_dump', ['--schema', postgresSchema(location), url], {
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      });
      return stdout;
    },
  };
}

function postgresSchema(location: StoreLocation): string {
  if (location.backend !== 'postgres' || location.schema === undefined) {
    throw new Error('not a PostgreSQL test location');
  }
  return location.schema;
}

async function withClient<T>(
  url: string,
  schema: string | undefined,
  action: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
