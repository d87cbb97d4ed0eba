import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { openStore, type MemoryItemRecord, type MoatStore } from '../../src/store/index.js';
import { describeEachBackend } from '../support/store-backends.js';

const opened: MoatStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function item(id: string, ownerId: string, overrides: Partial<MemoryItemRecord> = {}) {
  return {
    id,
    ownerId,
    kind: 'document',
    dataClass: 'general',
    createdAt: new Date('2025-01-01T00:00:00.000Z'),
    expiresAt: new Date('2025-02-01T00:00:00.000Z'),
    sizeBytes: 64,
    keyId: `key-${id}`,
    content: randomBytes(64),
    vector: null,
    ...overrides,
  } satisfies MemoryItemRecord;
}

describeEachBackend('memory store', (harness) => {
  async function freshStore(): Promise<MoatStore> {
    const store = await openStore(await harness.newLocation());
    opened.push(store);
    return store;
  }

  it('round-trips an item, and answers only its owner', async () => {
    const store = await freshStore();
    const saved = item('item-a', 'alice', { vector: randomBytes(40), kind: 'chat' });
    await store.memory.insert(saved, ['t1', 't2']);

    expect(await store.memory.find('alice', 'item-a')).toEqual(saved);
    expect(await store.memory.find('bob', 'item-a')).toBeUndefined();
    expect(await store.memory.list('bob', 10)).toEqual([]);
    expect(await store.memory.exists('item-a')).toBe(true);
    expect(await store.memory.listWithVectors('alice', 10)).toEqual([saved]);
  });

  it('lists newest first, metadata only', async () => {
    const store = await freshStore();
    await store.memory.insert(item('old', 'alice'), []);
    await store.memory.insert(item('new', 'alice', { createdAt: new Date('2025-01-02') }), []);

    const listed = await store.memory.list('alice', 10);
    expect(listed.map((entry) => entry.id)).toEqual(['new', 'old']);
    expect(listed[0]).not.toHaveProperty('content');
    expect(await store.memory.list('alice', 1)).toHaveLength(1);
  });

  it("matches tokens within the owner's items only, most hits first", async () => {
    const store = await freshStore();
    await store.memory.insert(item('one', 'alice'), ['a', 'b', 'c']);
    await store.memory.insert(item('two', 'alice'), ['a']);
    await store.memory.insert(item('three', 'bob'), ['a', 'b', 'c']);

    expect(await store.memory.matchTokens('alice', ['a', 'b', 'zz'], 10)).toEqual([
      { id: 'one', hits: 2 },
      { id: 'two', hits: 1 },
    ]);
    expect(await store.memory.matchTokens('alice', [], 10)).toEqual([]);
  });

  it('deletes an item with its tokens, and a whole owner', async () => {
    const store = await freshStore();
    await store.memory.insert(item('one', 'alice'), ['a']);
    await store.memory.insert(item('two', 'alice'), ['a']);
    await store.memory.insert(item('three', 'bob'), ['a']);

    expect(await store.memory.delete('bob', 'one')).toBe(false);
    expect(await store.memory.delete('alice', 'one')).toBe(true);
    expect(await store.memory.delete('alice', 'one')).toBe(false);
    expect(await store.memory.matchTokens('alice', ['a'], 10)).toEqual([{ id: 'two', hits: 1 }]);
    expect(await store.memory.deleteOwner('alice')).toEqual(['two']);
    expect(await store.memory.matchTokens('alice', ['a'], 10)).toEqual([]);
    expect((await store.memory.exportItems()).map((entry) => entry.record.id)).toEqual(['three']);
  });

  it('finds expired items and reports the oldest overdue one', async () => {
    const store = await freshStore();
    const now = new Date('2025-03-01T00:00:00.000Z');
    await store.memory.insert(item('late', 'alice', { expiresAt: new Date('2025-02-10') }), []);
    await store.memory.insert(item('later', 'bob', { expiresAt: new Date('2025-02-20') }), []);
    await store.memory.insert(item('fresh', 'bob', { expiresAt: new Date('2025-04-01') }), []);

    const expired = await store.memory.listExpired(now, 10);
    expect(expired.map((entry) => entry.id)).toEqual(['late', 'later']);
    expect(await store.memory.overdue(now)).toEqual({
      count: 2,
      oldestExpiresAt: new Date('2025-02-10'),
    });
    expect(await store.memory.overdue(new Date('2025-01-01'))).toEqual({
      count: 0,
      oldestExpiresAt: undefined,
    });
    const summaries = await store.memory.ownerSummaries();
    expect(summaries.map((row) => [row.ownerId, row.itemCount, row.sizeBytes])).toEqual([
      ['alice', 1, 64],
      ['bob', 2, 128],
    ]);
  });

  it('keeps receipts', async () => {
    const store = await freshStore();
    const receipt = { id: 'r1', ownerId: 'alice', createdAt: new Date(), body: '{"a":1}' };
    await store.memory.insertReceipt(receipt);
    expect(await store.memory.findReceipt('r1')).toEqual(receipt);
    expect(await store.memory.findReceipt('r2')).toBeUndefined();
  });

  it("lists an owner's receipts newest first, and no one else's", async () => {
    const store = await freshStore();
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
    const made = [
      { id: 'r-old', ownerId: 'alice', createdAt: at(1), body: '{"n":1}' },
      { id: 'r-new', ownerId: 'alice', createdAt: at(3), body: '{"n":3}' },
      { id: 'r-bob', ownerId: 'bob', createdAt: at(2), body: '{"n":2}' },
      { id: 'r-mid', ownerId: 'alice', createdAt: at(2), body: '{"n":2}' },
    ];
    for (const receipt of made) await store.memory.insertReceipt(receipt);

    const listed = await store.memory.listReceipts('alice', 10);
    expect(listed.map((receipt) => receipt.id)).toEqual(['r-new', 'r-mid', 'r-old']);
    expect(listed[0]).toEqual(made[1]);
    expect((await store.memory.listReceipts('alice', 2)).map((r) => r.id)).toEqual([
      'r-new',
      'r-mid',
    ]);
    expect(await store.memory.listReceipts('carol', 10)).toEqual([]);
  });
});

describeEachBackend('keyring store', (harness) => {
  async function freshStore(): Promise<MoatStore> {
    const store = await openStore(await harness.newLocation());
    opened.push(store);
    return store;
  }
  const when = new Date('2025-01-01T00:00:00.000Z');

  it('keeps one owner key per owner and destroys it with the owner’s item keys', async () => {
    const store = await freshStore();
    const ownerKey = { ownerId: 'alice', keyId: 'ok1', wrapped: randomBytes(60), createdAt: when };
    expect(await store.keyring.insertOwnerKey(ownerKey)).toBe(true);
    expect(await store.keyring.insertOwnerKey({ ...ownerKey, keyId: 'ok2' })).toBe(false);
    expect(await store.keyring.findOwnerKey('alice')).toEqual(ownerKey);
    for (const itemId of ['i2', 'i1']) {
      await store.keyring.insertItemKey({
        itemId,
        ownerId: 'alice',
        keyId: `k-${itemId}`,
        wrapped: randomBytes(60),
        createdAt: when,
      });
    }

    expect(await store.keyring.destroyOwner('alice')).toEqual({
      ownerKeyId: 'ok1',
      itemKeyIds: ['k-i1', 'k-i2'],
    });
    expect(await store.keyring.destroyOwner('alice')).toBeUndefined();
    expect(await store.keyring.findItemKey('i1')).toBeUndefined();
    expect(await store.keyring.listOwnerKeys()).toEqual([]);
  });

  it('destroys one item key once, and finds keys whose item never arrived', async () => {
    const store = await freshStore();
    const key = { itemId: 'i1', ownerId: 'bob', keyId: 'k1', wrapped: randomBytes(60) };
    await store.keyring.insertItemKey({ ...key, createdAt: when });
    expect(await store.keyring.listItemKeysWithoutItem(new Date('2024-12-31'))).toEqual([]);
    expect(
      (await store.keyring.listItemKeysWithoutItem(new Date())).map((row) => row.itemId),
    ).toEqual(['i1']);

    expect(await store.keyring.destroyItemKey('i1')).toBe('k1');
    expect(await store.keyring.destroyItemKey('i1')).toBeUndefined();
  });

  it('keeps a single signing key and rewraps keys in place', async () => {
    const store = await freshStore();
    const signing = { keyId: 's1', wrapped: randomBytes(80), publicKeyPem: 'PEM', createdAt: when };
    expect(await store.keyring.insertSigningKey(signing)).toBe(true);
    expect(await store.keyring.insertSigningKey({ ...signing, keyId: 's2' })).toBe(false);
    const rewrapped = randomBytes(80);
    await store.keyring.rewrapSigningKey('s1', rewrapped);
    expect(await store.keyring.findSigningKey()).toEqual({ ...signing, wrapped: rewrapped });

    await store.keyring.insertOwnerKey({
      ownerId: 'o',
      keyId: 'k',
      wrapped: randomBytes(9),
      createdAt: when,
    });
    await store.keyring.rewrapOwnerKey('o', rewrapped);
    expect((await store.keyring.findOwnerKey('o'))?.wrapped).toEqual(rewrapped);
  });
});
