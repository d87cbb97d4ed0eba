import { afterEach, expect, it } from 'vitest';
import {
  API_KEY_CACHE_TTL_MS,
  openStore,
  type ApiKeyRecord,
  type MoatStore,
} from '../../src/store/index.js';
import { describeEachBackend } from '../support/store-backends.js';

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

const opened: MoatStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describeEachBackend('api key store', (harness) => {
  async function freshStore(): Promise<MoatStore> {
    const store = await openStore(await harness.newLocation());
    opened.push(store);
    return store;
  }

  it('reports its backend', async () => {
    expect((await freshStore()).backend).toBe(harness.backend);
  });

  it('round-trips records, lists newest first and counts them', async () => {
    const store = await freshStore();
    const older = sampleRecord('aaaaaaaaaaaa', new Date('2024-01-01T00:00:00.000Z'));
    const newer = sampleRecord('bbbbbbbbbbbb', new Date('2024-06-01T12:30:00.123Z'));
    const sameTime = sampleRecord('cccccccccccc', new Date('2024-06-01T12:30:00.123Z'));
    await store.apiKeys.insert(older);
    await store.apiKeys.insert(newer);
    await store.apiKeys.insert(sameTime);

    expect(await store.apiKeys.findById('aaaaaaaaaaaa')).toEqual(older);
    expect(await store.apiKeys.findById('dddddddddddd')).toBeUndefined();
    const ids = (await store.apiKeys.list()).map((record) => record.id);
    expect(ids).toEqual([sameTime.id, newer.id, older.id]);
    expect(await store.apiKeys.count()).toBe(3);
  });

  it('refuses a second key with the same id', async () => {
    const store = await freshStore();
    await store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    await expect(store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()))).rejects.toThrow();
    expect(await store.apiKeys.count()).toBe(1);
  });

  it('revokes a key once and keeps it listed after reopening', async () => {
    const location = await harness.newLocation();
    const store = await openStore(location);
    await store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    const revokedAt = new Date('2025-02-03T04:05:06.789Z');

    expect(await store.apiKeys.findById('aaaaaaaaaaaa')).toMatchObject({ revokedAt: null });
    expect(await store.apiKeys.revoke('aaaaaaaaaaaa', revokedAt)).toBe(true);
    expect(await store.apiKeys.findById('aaaaaaaaaaaa')).toMatchObject({ revokedAt });
    expect(await store.apiKeys.revoke('aaaaaaaaaaaa', new Date())).toBe(false);
    expect(await store.apiKeys.revoke('zzzzzzzzzzzz', new Date())).toBe(false);
    await store.close();

    const reopened = await openStore(location);
    opened.push(reopened);
    expect((await reopened.apiKeys.findById('aaaaaaaaaaaa'))?.revokedAt).toEqual(revokedAt);
    expect(await reopened.apiKeys.list()).toHaveLength(1);
  });

  it('sees a revocation made through another connection within the documented bound', async () => {
    const location = await harness.newLocation();
    const server = await openStore(location);
    opened.push(server);
    await server.apiKeys.insert(sampleRecord('bbbbbbbbbbbb', new Date()));
    expect((await server.apiKeys.findById('bbbbbbbbbbbb'))?.revokedAt).toBeNull();

    const cli = await openStore(location);
    const revokedAt = new Date('2025-06-07T08:09:10.000Z');
    expect(await cli.apiKeys.revoke('bbbbbbbbbbbb', revokedAt)).toBe(true);
    await cli.close();
    const revokedBy = Date.now();

    // SQLite sees it on the very next lookup; PostgreSQL within the cache's lifetime.
    const boundMs = harness.backend === 'sqlite' ? 0 : API_KEY_CACHE_TTL_MS;
    let seen = await server.apiKeys.findById('bbbbbbbbbbbb');
    while (seen?.revokedAt === null && Date.now() - revokedBy <= boundMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await server.apiKeys.findById('bbbbbbbbbbbb');
    }
    expect(seen?.revokedAt).toEqual(revokedAt);
  });

  it('fails closed on a row whose scopes it does not know', async () => {
    const location = await harness.newLocation();
    const store = await openStore(location);
    opened.push(store);
    await store.apiKeys.insert(sampleRecord('aaaaaaaaaaaa', new Date()));
    await harness.exec(location, `UPDATE api_keys SET scopes = '["root"]'`);

    await expect(store.apiKeys.list()).rejects.toThrow('unreadable scopes');
  });
});
