import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../api-key-store.js';
import { openSqliteStore } from './sqlite-store.js';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-store-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function sampleRecord(id: string, createdAt: Date): ApiKeyRecord {
  return {
    id,
    name: `key ${id}`,
    scopes: ['chat', 'admin'],
    tokenHash: 'ab'.repeat(32),
    createdAt,
    revokedAt: null,
  };
}

describe('openSqliteStore', () => {
  it('creates the folder and the file owner-only, in WAL mode', async () => {
    const filePath = join(folder, 'nested', 'moat.db');
    await openSqliteStore(filePath).close();

    expect(statSync(join(folder, 'nested')).mode & 0o777).toBe(0o700);
    expect(statSync(filePath).mode & 0o777).toBe(0o600);
    const db = new Database(filePath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('names the file when it is not a database', () => {
    const filePath = join(folder, 'moat.db');
    writeFileSync(filePath, Buffer.alloc(4096, 7));

    expect(() => openSqliteStore(filePath)).toThrow(`cannot open the database ${filePath}`);
  });
});

describe('SQLite store', () => {
  it('works in memory without touching the disk', async () => {
    const store = openSqliteStore(':memory:');
    await store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    expect(await store.apiKeys.count()).toBe(1);
    await store.close();
    await store.close();
  });

  it('adopts a file from the first release, keeping its keys', async () => {
    const filePath = join(folder, 'moat.db');
    const db = new Database(filePath);
    db.exec(`
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT,
        applied_at TEXT);
      INSERT INTO schema_migrations VALUES (1, 'api keys, stored as hashes', '2024-01-01');
      CREATE TABLE api_keys (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL,
        scopes TEXT NOT NULL, token_hash TEXT NOT NULL, created_at TEXT NOT NULL,
        revoked_at TEXT) STRICT;
    `);
    db.prepare(`INSERT INTO api_keys VALUES ('aaaaaaaaaaaa', 'old', '["chat"]', ?, ?, NULL)`).run(
      'ab'.repeat(32),
      '2024-01-01T00:00:00.000Z',
    );
    db.close();

    const store = openSqliteStore(filePath);
    expect((await store.apiKeys.findById('aaaaaaaaaaaa'))?.name).toBe('old');
    await store.close();
    const check = new Database(filePath, { readonly: true });
    const parts = check.prepare('SELECT part, version FROM store_migrations').all();
    const legacy = check.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'schema_migrations'");
    expect(parts).toContainEqual({ part: 'api-keys', version: 1 });
    expect(legacy.get()).toBeUndefined();
    check.close();
  });

  it('refuses a first-release-style file whose single version is past 1', () => {
    const filePath = join(folder, 'moat.db');
    const db = new Database(filePath);
    db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT,
      applied_at TEXT); INSERT INTO schema_migrations VALUES (2, 'x', '2999-01-01');`);
    db.close();

    expect(() => openSqliteStore(filePath)).toThrow('it was written by a newer Moat');
  });
});
