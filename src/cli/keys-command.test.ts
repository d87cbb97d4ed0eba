import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './index.js';
import { runCliCaptured, type CliRun } from '../../test/support/cli-run.js';

let folder: string;
let dataDir: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-cli-'));
  dataDir = join(folder, 'data');
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function moat(...argv: string[]): Promise<CliRun> {
  return runCliCaptured(argv);
}

async function createKey(name: string, scopes: string): Promise<{ id: string; token: string }> {
  const run = await moat(
    'keys',
    'create',
    '--data',
    dataDir,
    '--name',
    name,
    '--scopes',
    scopes,
    '--json',
  );
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout) as { id: string; token: string };
}

/** Every file Moat left in the data folder: the database, and its WAL and shared memory if any. */
function readAllDataBytes(): Buffer {
  return Buffer.concat(
    readdirSync(dataDir, { recursive: true })
      .map((name) => join(dataDir, String(name)))
      .filter((path) => statSync(path).isFile())
      .map((path) => readFileSync(path)),
  );
}

describe('moat keys create', () => {
  it('prints exactly {"id", "token"} on one line with --json', async () => {
    const run = await moat(
      'keys',
      'create',
      '--data',
      dataDir,
      '--name',
      'ci',
      '--scopes',
      'chat,admin',
      '--json',
    );

    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('\n');
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['id', 'token']);
    expect(printed.token).toMatch(new RegExp(`^moat_${String(printed.id)}_[A-Za-z0-9_-]{43}$`));
  });

  it('prints the token once in text mode', async () => {
    const run = await moat('keys', 'create', '--data', dataDir, '--name', 'me', '--scopes', 'chat');

    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/moat_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/g)).toHaveLength(1);
  });

  it('never writes the token into the database, its WAL or anything else in the data folder', async () => {
    const tokens = [await createKey('one', 'chat'), await createKey('two', 'chat,admin')].map(
      (key) => key.token,
    );
    await moat('keys', 'revoke', '--data', dataDir, (await createKey('three', 'chat')).id);

    const bytes = readAllDataBytes();
    for (const token of tokens) {
      // The hash is there, so the scan does read the rows; the token is not.
      expect(bytes.includes(createHash('sha256').update(token).digest('hex'))).toBe(true);
      expect(bytes.includes(token)).toBe(false);
      expect(bytes.includes(token.split('_').slice(2).join('_'))).toBe(false);
    }
  });

  it.each([
    [['keys', 'create', '--scopes', 'chat'], '--name is required'],
    [['keys', 'create', '--name', 'x'], '--scopes is required'],
    [['keys', 'create', '--name', 'x', '--scopes', 'root'], 'Scopes must be'],
    [['keys', 'create', '--name', 'bad;name', '--scopes', 'chat'], 'key name'],
    [['keys', 'create', '--name', 'x', '--scopes', 'chat', '--bogus'], "'--bogus'"],
    [['keys', 'create', '--name'], "'--name"],
  ])('exits 2 for %j', async (argv, message) => {
    const run = await moat(...argv, '--data', dataDir);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('moat keys create --help');
  });
});

describe('moat keys list', () => {
  it('lists keys newest first without hashes, as JSON and as a table', async () => {
    const first = await createKey('first key', 'chat');
    const second = await createKey('second', 'chat,admin');
    await moat('keys', 'revoke', '--data', dataDir, first.id);

    const json = await moat('keys', 'list', '--data', dataDir, '--json');
    expect(json.exitCode).toBe(0);
    const keys = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(keys.map((key) => key.id)).toEqual([second.id, first.id]);
    expect(Object.keys(keys[0] ?? {})).toEqual(['id', 'name', 'scopes', 'createdAt', 'revokedAt']);
    expect(keys[0]?.revokedAt).toBeNull();
    expect(keys[1]?.revokedAt).toEqual(expect.any(String));

    const table = await moat('keys', 'list', '--data', dataDir);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+SCOPES\s+CREATED\s+REVOKED$/);
    expect(table.stdout).toContain('first key');
    expect(table.stdout).not.toMatch(/[0-9a-f]{64}/);
    expect(table.stdout).not.toContain(first.token);
  });

  it('fails with exit 1 when there is no key store, and creates none', async () => {
    const run = await moat('keys', 'list', '--data', dataDir);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('no key store');
    expect(() => statSync(dataDir)).toThrow();
  });

  it('takes the data folder from MOAT_DATA_DIR when --data is absent', async () => {
    await createKey('from env', 'chat');
    const stdout: string[] = [];
    const exitCode = await runCli(['keys', 'list', '--json'], {
      env: { MOAT_DATA_DIR: dataDir },
      output: { print: (text) => stdout.push(text), printError: () => undefined },
    });

    expect(exitCode).toBe(0);
    expect(stdout.join('')).toContain('from env');
  });
});

describe('moat keys revoke', () => {
  it('revokes once, then reports it already was', async () => {
    const key = await createKey('app', 'chat');

    const first = await moat('keys', 'revoke', '--data', dataDir, key.id);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Revoked API key ${key.id}`);
    const again = await moat('keys', 'revoke', '--data', dataDir, key.id);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('already revoked');
  });

  it('exits 1 for an unknown id and 2 for a malformed or missing one', async () => {
    await createKey('app', 'chat');

    expect((await moat('keys', 'revoke', '--data', dataDir, 'abcdefghijkl')).exitCode).toBe(1);
    expect((await moat('keys', 'revoke', '--data', dataDir, 'NOT-AN-ID')).exitCode).toBe(2);
    expect((await moat('keys', 'revoke', '--data', dataDir)).exitCode).toBe(2);
    expect((await moat('keys', 'revoke', '--data', dataDir, 'a', 'b')).exitCode).toBe(2);
  });
});
