import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SecretKey } from '../../src/crypto/index.js';
import {
  createBackup,
  openMemory,
  restoreBackup,
  verifyErasure,
  type Memory,
} from '../../src/memory/index.js';
import { openStore, type MoatStore, type StoreLocation } from '../../src/store/index.js';
import { newCanary } from '../support/memory-client.js';
import { describeEachBackend } from '../support/store-backends.js';

const HOUR_MS = 3_600_000;
const keyFolder = mkdtempSync(join(tmpdir(), 'moat-erasure-keys-'));
const opened: MoatStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(keyFolder, { recursive: true, force: true });
});

/** The memory part on a store, with key material shared between stores of one test. */
async function memoryOn(location: StoreLocation, keys: { master: SecretKey; file: string }) {
  const store = await openStore(location);
  opened.push(store);
  return openMemory({
    store,
    masterKey: keys.master,
    retention: { defaultDays: 30, maxDays: 365, kinds: {}, dataClasses: {} },
    epochs: { epochLengthMs: HOUR_MS, keepAfterEndMs: 0 },
    epochKeyFile: keys.file,
  });
}

async function saveText(memory: Memory, ownerId: string, text: string): Promise<string> {
  const saved = await memory.service.save(
    { ownerId, kind: 'document', dataClass: 'general', retentionParam: 'retention_seconds' },
    { text },
  );
  return saved.id;
}

describeEachBackend('erasure reaches backups', (harness) => {
  it('keeps an erased owner unreadable after a restore into a fresh store, and proves it', async () => {
    const keys = { master: SecretKey.generate(), file: join(keyFolder, `${harness.backend}.json`) };
    const live = await memoryOn(await harness.newLocation(), keys);
    const aliceCanary = newCanary('alice');
    const bobCanary = newCanary('bob');
    const aliceIds = [
      await saveText(live, 'alice', `first ${aliceCanary}`),
      await saveText(live, 'alice', `second ${aliceCanary}`),
    ];
    const bobId = await saveText(live, 'bob', `kept ${bobCanary}`);
    const backup = await createBackup(live.store, live.epochKeys, new Date());
    const receipt = await live.eraser.eraseOwner('alice', 'operator');

    const freshLocation = await harness.newLocation();
    const fresh = await memoryOn(freshLocation, keys);
    const restored = await restoreBackup(fresh.store, backup, {
      epochKeys: fresh.epochKeys,
      masterKey: fresh.masterKey,
    });
    expect(restored).toMatchObject({
      itemsRestored: 1,
      itemsRefused: 2,
      ownerKeysRestored: 1,
      keysRefused: 3,
    });
    for (const id of aliceIds) expect(await fresh.service.get('alice', id)).toBeUndefined();
    expect((await fresh.service.get('bob', bobId))?.content.text).toBe(`kept ${bobCanary}`);
    expect(await fresh.service.search('alice', aliceCanary, 10)).toEqual([]);

    // Within the backup's window its own keyring still holds Alice's keys; the report says
    // so, and when that window ends.
    const during = await verifyErasure({ ...fresh, backup, receipt });
    expect(during.items).toHaveLength(2);
    expect(during.items.every((item) => !item.isOpenedByLiveKeys)).toBe(true);
    expect(during.items.every((item) => item.isOpenedByBackupKeyring)).toBe(true);
    expect(during.isErased).toBe(false);
    const windowEndsMs = Date.parse(during.items[0]?.backupKeyringUntil ?? '');
    expect(windowEndsMs).toBe(Date.parse(receipt.payload.unrecoverableAfter));

    expect(fresh.epochKeys.destroyDue(windowEndsMs)).toEqual([backup.epoch]);
    const after = await verifyErasure({ ...fresh, backup, receipt });
    expect(after.isErased).toBe(true);
    expect(after.items.map((item) => item.isOpenedByBackupKeyring)).toEqual([false, false]);

    const everything = Buffer.concat([
      Buffer.from(JSON.stringify(backup)),
      await harness.dump(freshLocation),
    ]);
    for (const canary of [aliceCanary, bobCanary]) expect(everything.includes(canary)).toBe(false);
  });

  it('answers a failed delete with an error and no receipt, and completes on the retry', async () => {
    const keys = {
      master: SecretKey.generate(),
      file: join(keyFolder, `fault-${harness.backend}.json`),
    };
    const location = await harness.newLocation();
    const memory = await memoryOn(location, keys);
    const id = await saveText(memory, 'carol', 'to be deleted');
    await harness.exec(location, faultTrigger(harness.backend, 'install'));

    await expect(
      memory.eraser.deleteItem('carol', id, { kind: 'item-deletion', requestedBy: 'key:carol' }),
    ).rejects.toThrow();
    expect(await memory.service.get('carol', id)).toBeUndefined();
    const receiptCount = async () =>
      Number((await harness.queryOne(location, 'SELECT count(*) AS n FROM deletion_receipts'))?.n);
    expect(await receiptCount()).toBe(0);

    await harness.exec(location, faultTrigger(harness.backend, 'remove'));
    const receipt = await memory.eraser.deleteItem('carol', id, {
      kind: 'item-deletion',
      requestedBy: 'key:carol',
    });
    expect(receipt?.payload.items.count).toBe(1);
    expect(await receiptCount()).toBe(1);
    expect(await memory.store.memory.exists(id)).toBe(false);
  });
});

/** A trigger that makes deleting memory items fail, as a read-only table would. */
function faultTrigger(backend: string, step: 'install' | 'remove'): string {
  if (backend === 'sqlite') {
    return step === 'install'
      ? `CREATE TRIGGER refuse_delete BEFORE DELETE ON memory_items
         BEGIN SELECT RAISE(ABORT, 'read-only'); END;`
      : 'DROP TRIGGER refuse_delete;';
  }
  return step === 'install'
    ? `CREATE FUNCTION refuse_delete() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'read-only'; END; $$ LANGUAGE plpgsql;
       CREATE TRIGGER refuse_delete BEFORE DELETE ON memory_items
       FOR EACH ROW EXECUTE FUNCTION refuse_delete();`
    : 'DROP TRIGGER refuse_delete ON memory_items; DROP FUNCTION refuse_delete();';
}
