import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../moat-store.js';
import { LATEST_SCHEMA_VERSION } from './migrations.js';
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

function addFutureMigration(filePath: string, version: number): void {
  const db = new Database(filePath);
  db.prepare("INSERT INTO schema_migrations VALUES (?, 'from a newer Moat', '2999-01-01')").run(
    version,
  );
  db.close();
}

describe('openSqliteStore', () => {
  it('creates the folder and the file owner-only, in WAL mode with secure_delete', () => {
    const filePath = join(folder, 'nested', 'moat.db');
    openSqliteStore(filePath).close();

    expect(statSync(join(folder, 'nested')).mode & 0o777).toBe(0o700);
    expect(statSync(filePath).mode & 0o777).toBe(0o600);
    const db = new Database(filePath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('records each migration once and does not reapply them on reopen', () => {
    const filePath = join(folder, 'moat.db');
    openSqliteStore(filePath).close();
    openSqliteStore(filePath).close();

    const db = new Database(filePath, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.pluck().all()).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, index) => index + 1),
    );
    db.close();
  });

  it('refuses a file from a newer schema, names the file and both versions, and changes nothing', () => {
    const filePath = join(folder, 'moat.db');
    openSqliteStore(filePath).close();
    const newerVersion = LATEST_SCHEMA_VERSION + 1;
    addFutureMigration(filePath, newerVersion);
    const bytesBefore = readFileSync(filePath);

    expect(() => openSqliteStore(filePath)).toThrow(
      `the database ${filePath} has schema version ${newerVersion}, ` +
        `but this Moat knows only versions up to ${LATEST_SCHEMA_VERSION}`,
    );
    expect(readFileSync(filePath).equals(bytesBefore)).toBe(true);
  });

  it('names the file when it is not a database', () => {
    const filePath = join(folder, 'moat.db');
    writeFileSync(filePath, Buffer.alloc(4096, 7));

    expect(() => openSqliteStore(filePath)).toThrow(`cannot open the database ${filePath}`);
  });
});

describe('SQLite api key store', () => {
  it('round-trips records, lists newest first and counts them', () => {
    const store = openSqliteStore(join(folder, 'moat.db'));
    const older = sampleRecord('aaaaaaaaaaaa', new Date('2024-01-01T00:00:00.000Z'));
    const newer = sampleRecord('bbbbbbbbbbbb', new Date('2024-06-01T12:30:00.123Z'));
    store.apiKeys.insert(older);
    store.apiKeys.insert(newer);

    expect(store.apiKeys.findById('aaaaaaaaaaaa')).toEqual(older);
    expect(store.apiKeys.findById('cccccccccccc')).toBeUndefined();
    expect(store.apiKeys.list().map((record) => record.id)).toEqual([newer.id, older.id]);
    expect(store.apiKeys.count()).toBe(2);
    store.close();
  });

  it('revokes a key once and keeps it listed', () => {
    const filePath = join(folder, 'moat.db');
    const store = openSqliteStore(filePath);
    store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    const revokedAt = new Date('2025-02-03T04:05:06.789Z');

    expect(store.apiKeys.revoke('aaaaaaaaaaaa', revokedAt)).toBe(true);
    expect(store.apiKeys.revoke('aaaaaaaaaaaa', new Date())).toBe(false);
    expect(store.apiKeys.revoke('zzzzzzzzzzzz', new Date())).toBe(false);
    store.close();

    const reopened = openSqliteStore(filePath);
    expect(reopened.apiKeys.findById('aaaaaaaaaaaa')?.revokedAt).toEqual(revokedAt);
    reopened.close();
  });

  it('sees a revocation made through another connection on the next lookup', () => {
    const filePath = join(folder, 'moat.db');
    const server = openSqliteStore(filePath);
    server.apiKeys.insert(sampleRecord('bbbbbbbbbbbb', new Date()));
    expect(server.apiKeys.findById('bbbbbbbbbbbb')?.revokedAt).toBeNull();

    const cli = openSqliteStore(filePath);
    const revokedAt = new Date('2025-06-07T08:09:10.000Z');
    expect(cli.apiKeys.revoke('bbbbbbbbbbbb', revokedAt)).toBe(true);
    cli.close();

    expect(server.apiKeys.findById('bbbbbbbbbbbb')?.revokedAt).toEqual(revokedAt);
    server.close();
  });

  it('fails closed on a row whose scopes it does not know', () => {
    const filePath = join(folder, 'moat.db');
    const store = openSqliteStore(filePath);
    store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    const db = new Database(filePath);
    db.prepare(`UPDATE api_keys SET scopes = '["root"]'`).run();
    db.close();

    expect(() => store.apiKeys.findById('aaaaaaaaaaaa')).toThrow('unreadable scopes');
    store.close();
  });

  it('works in memory without touching the disk', () => {
    const store = openSqliteStore(':memory:');
    store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    expect(store.apiKeys.count()).toBe(1);
    store.close();
    store.close();
  });
});
