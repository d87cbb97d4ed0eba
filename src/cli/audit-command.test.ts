import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, checkpointSigner } from '../audit/index.js';
import { exportPublicKeyPem, generateSigningKeyPair } from '../crypto/index.js';
import { openSqliteStore } from '../store/index.js';
import { runCliCaptured } from '../../test/support/cli-run.js';

const signingKey = generateSigningKeyPair();
let folder: string;
let publicKeyFile: string;

/** A data folder whose log holds `count` entries and a shutdown checkpoint. */
async function writeLog(name: string, count: number): Promise<string> {
  const dataDir = join(folder, name);
  const store = openSqliteStore(join(dataDir, 'moat.db'));
  const log = new AuditLog({ store: store.audit, signer: checkpointSigner(signingKey) });
  for (let n = 1; n <= count; n += 1) {
    await log.record({
      actor: { kind: 'key', id: n % 2 === 0 ? 'adminkeyaaaa' : 'adminkeybbbb', role: 'admin' },
      action: n === 3 ? 'break-glass.opened' : 'key.created',
      targets: [`key:created${n}`],
      outcome: 'ok',
      ...(n === 3 ? { reason: 'debugging a tokenizer fault' } : {}),
    });
  }
  await log.close();
  await store.close();
  return dataDir;
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-audit-cli-'));
  publicKeyFile = join(folder, 'signing.pem');
  writeFileSync(publicKeyFile, exportPublicKeyPem(signingKey.publicKey));
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('moat audit verify', () => {
  it('reports an intact log and exits 0', async () => {
    const dataDir = await writeLog('intact', 4);
    const run = await runCliCaptured([
      'audit',
      'verify',
      '--data',
      dataDir,
      '--public-key',
      publicKeyFile,
    ]);
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    expect(run.stdout).toBe(
      'Audit log: 5 entries (1-5), 1 checkpoints, signed through entry 5.\nIntact.',
    );
  });

  it('names an entry edited in the file and exits 1', async () => {
    const dataDir = await writeLog('edited', 4);
    const db = new Database(join(dataDir, 'moat.db'));
    db.exec(`DROP TRIGGER audit_entries_no_update;
      UPDATE audit_entries SET actor_id = 'someoneelse' WHERE seq = 2;`);
    db.close();

    const run = await runCliCaptured([
      'audit',
      'verify',
      '--data',
      dataDir,
      '--public-key',
      publicKeyFile,
      '--json',
    ]);
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      isIntact: false,
      breaks: [{ kind: 'edited', seq: 2, detail: 'entry 2 was changed after it was written' }],
    });
  });

  it('refuses checkpoints signed by another key', async () => {
    const dataDir = await writeLog('other-key', 2);
    const otherKey = join(folder, 'other.pem');
    writeFileSync(otherKey, exportPublicKeyPem(generateSigningKeyPair().publicKey));
    const run = await runCliCaptured([
      'audit',
      'verify',
      '--data',
      dataDir,
      '--public-key',
      otherKey,
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('entry 3: bad-checkpoint');
  });
});

describe('moat audit show', () => {
  it('refuses an action that names nothing, rather than showing an empty record', async () => {
    const dataDir = await writeLog('show-typo', 2);
    const run = await runCliCaptured([
      'audit',
      'show',
      '--data',
      dataDir,
      '--action',
      'brek-glass',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--action must be an action or one of the families');
    expect(run.stderr).toContain('break-glass');
  });

  it('filters by action family, actor and target, as text and JSON Lines', async () => {
    const dataDir = await writeLog('show', 5);
    const text = await runCliCaptured([
      'audit',
      'show',
      '--data',
      dataDir,
      '--action',
      'break-glass',
    ]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split(/ {2}/)).toEqual([
      '#3',
      expect.stringMatching(/Z$/),
      'key:adminkeybbbb(admin)',
      'break-glass.opened',
      'ok',
      'key:created3',
      'reason="debugging a tokenizer fault"',
    ]);

    const json = await runCliCaptured([
      'audit',
      'show',
      '--data',
      dataDir,
      '--actor',
      'key:adminkeyaaaa',
      '--json',
    ]);
    expect(
      json.stdout.split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq),
    ).toEqual([2, 4]);

    const byTarget = await runCliCaptured([
      'audit',
      'show',
      '--data',
      dataDir,
      '--target',
      'created5',
    ]);
    expect(byTarget.stdout.split('\n')).toHaveLength(1);
    const none = await runCliCaptured([
      'audit',
      'show',
      '--data',
      dataDir,
      '--since',
      '2999-01-01',
    ]);
    expect(none.stdout).toBe('No matching audit entries.');
  });

  it('refuses a bad time as a usage error', async () => {
    const run = await runCliCaptured(['audit', 'show', '--since', 'yesterday']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--since must be an ISO 8601 time');
  });
});

describe('moat audit export', () => {
  it('writes a range and its checkpoint that verify elsewhere, and show an edit', async () => {
    const dataDir = await writeLog('export', 6);
    const file = join(folder, 'export.jsonl');
    const exported = await runCliCaptured([
      'audit',
      'export',
      '--data',
      dataDir,
      '--from',
      '3',
      '--to',
      '5',
      '--out',
      file,
    ]);
    expect(exported.exitCode).toBe(0);
    expect(exported.stderr).toBe('exported entries 3-7 with their checkpoint');

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 5 + 1);
    const ok = await runCliCaptured([
      'audit',
      'verify',
      '--file',
      file,
      '--public-key',
      publicKeyFile,
    ]);
    expect(ok.stdout).toContain('Intact.');

    writeFileSync(file, readFileSync(file, 'utf8').replace('key:created4', 'key:created9'));
    const edited = await runCliCaptured([
      'audit',
      'verify',
      '--file',
      file,
      '--public-key',
      publicKeyFile,
    ]);
    expect(edited.exitCode).toBe(1);
    expect(edited.stdout).toContain('entry 4: edited');
  });

  it('has help for every subcommand', async () => {
    for (const name of ['verify', 'show', 'export']) {
      const run = await runCliCaptured(['audit', name, '--help']);
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: moat audit ${name}`));
    }
  });
});
