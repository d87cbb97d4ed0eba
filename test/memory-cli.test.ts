import type { DeletionReceipt } from '../src/memory/index.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMasterKeyText } from '../src/crypto/index.js';
import { createBackup, openMemory, resolveMasterKey } from '../src/memory/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { runCliCaptured } from './support/cli-run.js';
import { callJson, newCanary, saveDocument } from './support/memory-client.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let moat: TestMoat;
let folder: string;
let aliceToken: string;
let bobToken: string;
const aliceCanary = newCanary('clialice');
const bobCanary = newCanary('clibob');

beforeAll(async () => {
  moat = await startTestMoat();
  folder = mkdtempSync(join(tmpdir(), 'moat-memory-cli-'));
  aliceToken = await moat.createKey('alice', ['memory']);
  bobToken = await moat.createKey('bob', ['memory']);
  await saveDocument(moat.url, aliceToken, { text: `alice ${aliceCanary}` });
  await saveDocument(moat.url, bobToken, { text: `bob ${bobCanary}` });
});

afterAll(async () => {
  await moat.stop();
  rmSync(folder, { recursive: true, force: true });
});

const keyIdOf = (token: string) => token.split('_')[1] ?? '';

describe('moat erase, receipt verify and backup', () => {
  it('backs up, erases, verifies the receipt and reports what the backup still holds', async () => {
    const backup = join(folder, 'backup.json');
    const receipt = join(folder, 'receipt.json');
    const data = ['--data', moat.dataDir];

    const created = await runCliCaptured(['backup', 'create', '--out', backup, ...data]);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain('2 item(s)');
    const backupText = readFileSync(backup, 'utf8');
    expect(backupText).not.toContain(aliceCanary);

    const erased = await runCliCaptured([
      'erase',
      '--owner',
      keyIdOf(aliceToken),
      '--out',
      receipt,
      ...data,
    ]);
    expect(erased.exitCode).toBe(0);
    const written = JSON.parse(readFileSync(receipt, 'utf8')) as DeletionReceipt;
    expect(written.payload).toMatchObject({ kind: 'owner-erasure', items: { count: 1 } });
    expect(written.payload.requestedBy).toMatch(/^operator:[a-z0-9._-]+$/i);
    const gone = await callJson(moat.url, aliceToken, { method: 'GET', path: '/v1/memory' });
    expect(gone.body.data).toEqual([]);

    const verified = await runCliCaptured(['receipt', 'verify', receipt, ...data]);
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toMatch(/^VALID: owner-erasure of 1 item\(s\)/);

    const forged = join(folder, 'forged.json');
    writeFileSync(forged, readFileSync(receipt, 'utf8').replace('"count": 1', '"count": 0'));
    const refused = await runCliCaptured(['receipt', 'verify', forged, ...data]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('INVALID');

    const check = await runCliCaptured([
      'backup',
      'verify-erasure',
      backup,
      '--receipt',
      receipt,
      ...data,
    ]);
    expect(check.stdout).toMatch(/live keys cannot open; backup keyring OPENS until /);
    expect(check.stdout).toContain('NOT YET ERASED');
    expect(check.exitCode).toBe(1);
  });

  it('restores a backup into a fresh store without reviving an erased owner', async () => {
    const backup = join(folder, 'before-erase.json');
    const data = ['--data', moat.dataDir];
    const carol = await moat.createKey('carol', ['memory']);
    const carolId = await saveDocument(moat.url, carol, { text: 'carol note' });
    await runCliCaptured(['backup', 'create', '--out', backup, ...data]);
    await runCliCaptured([
      'erase',
      '--owner',
      keyIdOf(carol),
      '--out',
      join(folder, 'r2.json'),
      ...data,
    ]);

    const config = join(folder, 'fresh.yaml');
    writeFileSync(
      config,
      [
        `dataDir: ${join(folder, 'fresh')}`,
        'keys:',
        `  masterKeyFile: ${join(moat.dataDir, 'master.key')}`,
        `  epochKeyFile: ${join(moat.dataDir, 'epoch-keys.json')}`,
        '',
      ].join('\n'),
    );
    const restored = await runCliCaptured(['backup', 'restore', backup, '--config', config]);
    expect(restored.exitCode).toBe(0);
    expect(restored.stdout).toMatch(/refused [1-9]\d* destroyed key/);
    expect(carolId).toMatch(/^mem_/);
  });

  it.each([
    ['erase'],
    ['receipt', 'verify'],
    ['backup', 'create'],
    ['backup', 'restore'],
    ['backup', 'verify-erasure'],
  ])('explains %s with --help', async (...command) => {
    const help = await runCliCaptured([...command, '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: moat /);
  });
});

describe('moat keys rotate-master', () => {
  it('re-wraps every key under the new master key without touching content, and can run again', async () => {
    const dataDir = join(folder, 'rotate');
    mkdirSync(dataDir, { recursive: true });
    const oldKeyFile = join(folder, 'old.key');
    const newKeyFile = join(folder, 'new.key');
    writeFileSync(oldKeyFile, generateMasterKeyText(), { mode: 0o600 });
    writeFileSync(newKeyFile, generateMasterKeyText(), { mode: 0o600 });
    const open = async (keyFile: string) =>
      openMemory({
        store: openSqliteStore(join(dataDir, 'moat.db')),
        masterKey: resolveMasterKey({ masterKeyFile: keyFile, dataDir, env: {} }).key,
        retention: { defaultDays: 30, maxDays: 365, kinds: {}, dataClasses: {} },
        epochs: { epochLengthMs: 86_400_000, keepAfterEndMs: 0 },
        epochKeyFile: join(dataDir, 'epoch-keys.json'),
      });

    const before = await open(oldKeyFile);
    const saved = await before.service.save(
      { ownerId: 'dora', kind: 'document', dataClass: 'general', retentionParam: 'x' },
      { text: 'kept across rotation' },
    );
    const sealedBefore = (await before.store.memory.find('dora', saved.id))?.content;
    await createBackup(before.store, before.epochKeys, new Date());
    await before.store.close();

    const config = join(folder, 'rotate.yaml');
    writeFileSync(config, `dataDir: ${dataDir}\nkeys:\n  masterKeyFile: ${oldKeyFile}\n`);
    const args = ['keys', 'rotate-master', '--new-key-file', newKeyFile, '--config', config];
    const rotated = await runCliCaptured(args);
    expect(rotated.stdout).toMatch(/^Re-wrapped 1 owner key\(s\), the signing key and 1 epoch key/);
    expect((await runCliCaptured(args)).exitCode).toBe(0);

    const after = await open(newKeyFile);
    expect((await after.service.get('dora', saved.id))?.content.text).toBe('kept across rotation');
    expect((await after.store.memory.find('dora', saved.id))?.content).toEqual(sealedBefore);
    expect(after.epochKeys.epochs()).toHaveLength(1);
    await after.store.close();
    await expect(open(oldKeyFile)).rejects.toThrow();
  });
});
