import { afterEach, expect, it } from 'vitest';
import {
  AuditLog,
  checkpointSigner,
  checkpointVerifier,
  verifyStoredLog,
  type AuditRecordInput,
  type ChainReport,
} from '../../src/audit/index.js';
import { generateSigningKeyPair } from '../../src/crypto/index.js';
import { openStore, type MoatStore, type StoreLocation } from '../../src/store/index.js';
import { describeEachBackend, type StoreHarness } from '../support/store-backends.js';

const signingKey = generateSigningKeyPair();
const signer = checkpointSigner(signingKey);
const verifier = checkpointVerifier([signingKey.publicKey]);

const opened: MoatStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function entryInput(n: number): AuditRecordInput {
  return {
    actor: { kind: 'key', id: `actor${n % 3}`, role: 'admin' },
    action: n % 2 === 0 ? 'key.created' : 'admin.request',
    targets: [`key:target${n}`],
    outcome: 'ok',
    ...(n === 3 ? { reason: 'rotation after a staff change' } : {}),
  };
}

describeEachBackend('audit store', (harness) => {
  async function open(location: StoreLocation): Promise<MoatStore> {
    const store = await openStore(location);
    opened.push(store);
    return store;
  }

  /** A log of `count` entries, closed with a shutdown checkpoint, as a stopped Moat leaves it. */
  async function writtenLog(count: number): Promise<{ location: StoreLocation; store: MoatStore }> {
    const location = await harness.newLocation();
    const store = await open(location);
    const log = new AuditLog({ store: store.audit, signer });
    for (let n = 1; n <= count; n += 1) await log.record(entryInput(n));
    await log.checkpoint('shutdown');
    return { location, store };
  }

  async function verifyLog(store: MoatStore): Promise<ChainReport> {
    return verifyStoredLog(store.audit, { verifier, isUnsignedTailAllowed: false });
  }

  it('appends a linked chain, reads ranges and keeps checkpoints', async () => {
    const { store } = await writtenLog(5);

    const entries = await store.audit.read({});
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries[2]).toMatchObject({
      reason: 'rotation after a staff change',
      targets: ['key:target3'],
    });
    expect((await store.audit.read({ fromSeq: 2, toSeq: 3 })).map((entry) => entry.seq)).toEqual([
      2, 3,
    ]);
    expect((await store.audit.read({ fromSeq: 2, limit: 1 })).map((entry) => entry.seq)).toEqual([
      2,
    ]);
    expect((await store.audit.head())?.seq).toBe(5);
    expect(await store.audit.checkpoints()).toEqual([
      expect.objectContaining({
        seq: 5,
        hash: entries[4]?.hash,
        reason: 'shutdown',
        keyId: signingKey.keyId,
      }),
    ]);
    expect(await verifyLog(store)).toMatchObject({
      isIntact: true,
      entryCount: 5,
      coveredThroughSeq: 5,
    });
  });

  it('never forks the chain when several connections append at once', async () => {
    const location = await harness.newLocation();
    const stores = [await open(location), await open(location), await open(location)];
    const logs = stores.map((store) => new AuditLog({ store: store.audit, signer }));

    await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        (logs[n % logs.length] as AuditLog).record(entryInput(n)),
      ),
    );
    await logs[0]?.checkpoint('shutdown');

    const entries = await stores[0]?.audit.read({});
    expect(entries?.map((entry) => entry.seq)).toEqual(Array.from({ length: 60 }, (_, n) => n + 1));
    expect(await verifyLog(stores[1] as MoatStore)).toMatchObject({
      isIntact: true,
      entryCount: 60,
    });
  });

  it('refuses updates and deletes through an ordinary connection', async () => {
    const { location } = await writtenLog(2);
    await expect(
      harness.exec(location, "UPDATE audit_entries SET outcome = 'refused'"),
    ).rejects.toThrow(/append-only/);
    await expect(harness.exec(location, 'DELETE FROM audit_entries')).rejects.toThrow(
      /append-only/,
    );
    await expect(harness.exec(location, 'DELETE FROM audit_checkpoints')).rejects.toThrow(
      /append-only/,
    );
  });

  it('keeps the configuration state', async () => {
    const store = await open(await harness.newLocation());
    expect(await store.audit.configState()).toBeUndefined();
    await store.audit.saveConfigState({ salt: 'aa', settingHashes: { 'server.port': '1' } });
    await store.audit.saveConfigState({ salt: 'aa', settingHashes: { 'server.port': '2' } });
    expect(await store.audit.configState()).toEqual({
      salt: 'aa',
      settingHashes: { 'server.port': '2' },
    });
  });

  describeTampering(harness, { writtenLog, verifyLog });
});

interface TamperTools {
  writtenLog(count: number): Promise<{ location: StoreLocation; store: MoatStore }>;
  verifyLog(store: MoatStore): Promise<ChainReport>;
}

/** Rows changed behind Moat's back, as someone holding the database could. */
function describeTampering(harness: StoreHarness, tools: TamperTools): void {
  const dropGuards =
    harness.backend === 'sqlite'
      ? `DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;`
      : `DROP TRIGGER audit_entries_append_only ON audit_entries;`;

  async function tamper(sql: string): Promise<ChainReport> {
    const { location, store } = await tools.writtenLog(8);
    await harness.exec(location, dropGuards + sql);
    return tools.verifyLog(store);
  }

  const kindsAndSeqs = (report: ChainReport) =>
    report.breaks.map((found) => [found.kind, found.seq]);

  it('names an entry edited in the database', async () => {
    const report = await tamper(`UPDATE audit_entries SET outcome = 'refused' WHERE seq = 3;`);
    expect(kindsAndSeqs(report)).toEqual([['edited', 3]]);
  });

  it('names an entry deleted from the database', async () => {
    const report = await tamper('DELETE FROM audit_entries WHERE seq = 4;');
    expect(kindsAndSeqs(report)).toEqual([['deleted', 4]]);
  });

  it('names entries reordered in the database', async () => {
    const report = await tamper(`
      UPDATE audit_entries SET seq = 1002 WHERE seq = 2;
      UPDATE audit_entries SET seq = 2 WHERE seq = 6;
      UPDATE audit_entries SET seq = 6 WHERE seq = 1002;`);
    expect(kindsAndSeqs(report)).toEqual([
      ['reordered', 2],
      ['reordered', 6],
    ]);
  });

  it('names a tail truncated below the checkpoint', async () => {
    const report = await tamper('DELETE FROM audit_entries WHERE seq > 5;');
    expect(report.breaks).toEqual([
      {
        kind: 'truncated',
        seq: 6,
        detail: 'entries 6-8 were cut off: a signed checkpoint covers 8',
      },
    ]);
  });

  it('names an entry appended by hand', async () => {
    const report = await tamper(`
      INSERT INTO audit_entries (seq, time, actor_kind, actor_id, actor_role, action, targets,
        outcome, reason, prev_hash, hash)
      SELECT 9, time, 'key', 'intruder', 'admin', 'key.revoked', '[]', 'ok', NULL, hash,
        '${'e'.repeat(64)}' FROM audit_entries WHERE seq = 8;`);
    expect(kindsAndSeqs(report)).toEqual([['appended-by-hand', 9]]);
  });
}
