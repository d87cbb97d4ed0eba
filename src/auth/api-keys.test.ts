import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MoatError } from '../errors/index.js';
import { openSqliteStore, type MoatStore } from '../store/index.js';
import {
  authenticateToken,
  createApiKey,
  isApiKeyId,
  parseBearerToken,
  revokeApiKey,
} from './api-keys.js';

let store: MoatStore;

beforeEach(() => {
  store = openSqliteStore(':memory:');
});

afterEach(async () => {
  await store.close();
});

/** Runs `action`, expects a MoatError with `code`, and checks no rendering of it shows `secret`. */
async function expectRefusal(action: () => unknown, code: string, secret: string): Promise<void> {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }

  expect(thrown).toBeInstanceOf(MoatError);
  expect((thrown as MoatError).code).toBe(code);
  expect((thrown as MoatError).cause).toBeUndefined();
  for (const rendering of [
    JSON.stringify(thrown),
    inspect(thrown, { depth: 10 }),
    String(thrown),
  ]) {
    expect(rendering).not.toContain(secret);
  }
}

describe('createApiKey', () => {
  it('returns a token of the documented shape and stores only its SHA-256', async () => {
    const created = await createApiKey(store, {
      name: 'ci runner',
      scopes: ['chat', 'admin', 'chat'],
    });

    expect(created.token).toMatch(/^moat_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(`moat_${created.id}_`)).toBe(true);
    expect(isApiKeyId(created.id)).toBe(true);
    expect(created.record.scopes).toEqual(['chat', 'admin']);
    expect(created.record.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await store.apiKeys.findById(created.id))).not.toContain(created.token);
  });

  it('makes a different token every time', async () => {
    const created = await Promise.all(
      Array.from({ length: 50 }, () => createApiKey(store, { name: 'x', scopes: ['chat'] })),
    );
    const tokens = new Set(created.map((key) => key.token));
    expect(tokens.size).toBe(50);
  });

  it.each(['', 'a'.repeat(65), 'semi;colon', 'new\nline', 'ümlaut'])(
    'refuses the name %j',
    async (name) => {
      await expect(createApiKey(store, { name, scopes: ['chat'] })).rejects.toThrow(/key name/);
      expect(await store.apiKeys.count()).toBe(0);
    },
  );

  it.each([[[]], [['root']], [['chat', 'Chat']]])('refuses the scopes %j', async (scopes) => {
    await expect(createApiKey(store, { name: 'ok', scopes })).rejects.toThrow(/Scopes must be/);
  });
});

describe('api keys on disk', () => {
  it('leave no token in the database file or its WAL, even before a checkpoint', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'moat-keys-'));
    const filePath = join(folder, 'moat.db');
    const fileStore = openSqliteStore(filePath);
    const created = await Promise.all(
      [1, 2, 3].map((n) => createApiKey(fileStore, { name: `k${n}`, scopes: ['chat'] })),
    );
    await revokeApiKey(fileStore, created[0]?.id ?? '');

    const wal = readFileSync(`${filePath}-wal`);
    const bytes = Buffer.concat([readFileSync(filePath), wal]);
    expect(wal.length).toBeGreaterThan(0);
    for (const { token, record } of created) {
      expect(bytes.includes(record.tokenHash)).toBe(true);
      expect(bytes.includes(token)).toBe(false);
      expect(bytes.includes(token.slice(-43))).toBe(false);
    }

    await fileStore.close();
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('authenticateToken', () => {
  it('returns the record for a valid token', async () => {
    const created = await createApiKey(store, { name: 'app', scopes: ['chat'] });
    expect(await authenticateToken(store, created.token)).toEqual(created.record);
  });

  it('refuses a token whose secret is wrong, without showing it', async () => {
    const created = await createApiKey(store, { name: 'app', scopes: ['chat'] });
    const last = created.token.endsWith('A') ? 'B' : 'A';
    const forged = created.token.slice(0, -1) + last;

    await expectRefusal(() => authenticateToken(store, forged), 'invalid_api_key', forged);
  });

  it('refuses a well-formed token for an unknown id', async () => {
    const unknown = `moat_abcdefghijkl_${'A'.repeat(43)}`;
    await expectRefusal(() => authenticateToken(store, unknown), 'invalid_api_key', unknown);
  });

  it.each([
    'moat_',
    'sk-canary-not-a-moat-token',
    `moat_ABCDEFGHIJKL_${'A'.repeat(43)}`,
    `moat_abcdefghijkl_${'A'.repeat(42)}!`,
    `moat_abcdefghijkl_${'A'.repeat(10_000)}`,
    ` moat_abcdefghijkl_${'A'.repeat(43)}`,
  ])('refuses the malformed token %#', async (token) => {
    await expectRefusal(() => authenticateToken(store, token), 'invalid_api_key', token);
  });

  it('refuses a revoked key', async () => {
    const created = await createApiKey(store, { name: 'app', scopes: ['chat'] });
    expect(await revokeApiKey(store, created.id)).toBe(true);

    await expectRefusal(
      () => authenticateToken(store, created.token),
      'invalid_api_key',
      created.token,
    );
  });
});

describe('revokeApiKey', () => {
  it('is false for unknown, malformed and already revoked ids', async () => {
    const created = await createApiKey(store, { name: 'app', scopes: ['chat'] });

    expect(await revokeApiKey(store, 'nosuchkey234')).toBe(false);
    expect(await revokeApiKey(store, "x' OR 1=1 --")).toBe(false);
    expect(await revokeApiKey(store, created.id)).toBe(true);
    expect(await revokeApiKey(store, created.id)).toBe(false);
  });
});

describe('parseBearerToken', () => {
  const token = `moat_abcdefghijkl_${'A'.repeat(43)}`;

  it.each([`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token}`])('accepts %j', (header) => {
    expect(parseBearerToken(header)).toBe(token);
  });

  it.each([undefined, '', '   '])('answers missing_api_key for %j', async (header) => {
    await expectRefusal(() => parseBearerToken(header), 'missing_api_key', token);
  });

  it.each([
    token,
    `Basic ${token}`,
    `Bearer`,
    `Bearer ${token} extra`,
    `Bearer ${'A'.repeat(2000)}`,
  ])('answers invalid_api_key for malformed header %#', async (header) => {
    await expectRefusal(() => parseBearerToken(header), 'invalid_api_key', token);
  });
});
