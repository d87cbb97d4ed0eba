import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateMasterKeyText } from '../src/crypto/index.js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  runCommand,
  runMoat,
  startMoatServe,
  type RunningCommand,
} from './support/command-process.js';

/**
 * The `moat` command as a user runs it: the built bin/moat.js as a child process, in a
 * folder without a moat.yaml, with nothing of the test's environment but PATH.
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY_ID = /^[a-z2-7]{12}$/;

let root: string;
let dataDir: string;
let serve: (RunningCommand & { url: string }) | undefined;
let key: { id: string; token: string };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'moat-cli-'));
  dataDir = join(root, 'data');
});

afterAll(async () => {
  await serve?.stop();
  rmSync(root, { recursive: true, force: true });
});

const userEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  ...extra,
});

function moat(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return runMoat(args, { env: userEnv(extraEnv), cwd: root });
}

async function chat(token: string): Promise<{ status: number; json: unknown }> {
  const response = await request(`${serve?.url ?? ''}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'moat-demo',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 5,
    }),
  });
  return { status: response.statusCode, json: await response.body.json() };
}

describe('a script driving moat keys and moat serve', () => {
  it('creates a key with --json: exactly one line holding {"id", "token"}', async () => {
    const run = await moat([
      'keys',
      'create',
      '--data',
      dataDir,
      '--name',
      'ci',
      '--scopes',
      'chat',
      '--json',
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    key = JSON.parse(run.stdout) as { id: string; token: string };
    expect(Object.keys(key)).toEqual(['id', 'token']);
    expect(key.id).toMatch(KEY_ID);
    expect(key.token).toMatch(new RegExp(`^moat_${key.id}_[A-Za-z0-9_-]{43}$`));
  });

  it('serves the generated demo model from that folder, and the key works on it', async () => {
    serve = await startMoatServe(['--data', dataDir, '--port', '0'], { env: userEnv(), cwd: root });
    const banner = serve.stdout();

    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner).toContain('Requests need an API key. Create one with:');
    expect(banner).toContain('moat keys create --name NAME --scopes chat');
    expect(banner).not.toMatch(/moat_[a-z2-7]{12}_/);
    expect(banner).toContain('Models: moat-demo');
    expect(banner).toContain('word salad');
    expect(statSync(join(dataDir, 'models', 'demo.gguf')).size).toBeGreaterThan(10_000);

    const answer = await chat(key.token);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ model: 'moat-demo', choices: [{ index: 0 }] });
  });

  it('refuses the key on the very next request once it is revoked, while serve runs', async () => {
    const revoke = await moat(['keys', 'revoke', key.id, '--data', dataDir]);
    expect(revoke).toMatchObject({ exitCode: 0, stdout: `Revoked API key ${key.id}.\n` });

    const answer = await chat(key.token);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_api_key' } });
    expect(JSON.stringify(answer.json)).not.toContain(key.token.slice(-20));
  });

  it('lists the key as revoked, finding the folder through MOAT_DATA_DIR', async () => {
    const run = await moat(['keys', 'list', '--json'], { MOAT_DATA_DIR: dataDir });

    expect(run.exitCode).toBe(0);
    const keys = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ id: key.id, name: 'ci', scopes: ['chat'] });
    expect(keys[0]?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(run.stdout).not.toContain(key.token.split('_').slice(2).join('_'));
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await serve?.stop()).toBe(0);
    expect(serve?.stderr()).toContain('SIGTERM received');
  });
});

describe('the command line contract', () => {
  it.each([
    [['--help']],
    [['serve', '--help']],
    [['keys', '--help']],
    [['keys', 'create', '--help']],
    [['keys', 'list', '--help']],
    [['keys', 'revoke', '--help']],
    [['models', '--help']],
    [['models', 'make-demo', '--help']],
  ])('moat %j prints usage and exits 0', async (args) => {
    const run = await moat(args);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: moat');
    expect(run.stderr).toBe('');
  });

  it.each([
    [['launch'], 'unknown command "launch"'],
    [['keys', 'create', '--name', 'x', '--scopes', 'chat', '--bogus'], "'--bogus'"],
    [['serve', '--port', 'notanumber'], '--port must be a number'],
  ])('moat %j exits 2 and says why on stderr', async (args, message) => {
    const run = await moat(args);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('--help" for usage');
  });

  it('runs as npx moat from the checkout without asking the registry', async () => {
    // A registry on a closed loopback port: any attempt to reach one would fail the run.
    const env = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/' };
    const run = await runCommand('npx', ['--offline', 'moat', '--help'], {
      env,
      cwd: REPO_ROOT,
      // npx walks the whole dependency tree first; on a busy two-core machine that alone
      // has taken most of a minute.
      timeoutMs: 120_000,
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: moat <command> [options]');
  }, 130_000);
});

/** A PostgreSQL store reached through `--config`, in a schema of its own, dropped afterwards. */
describe.skipIf(inject('postgresUrl') === null)('store commands on PostgreSQL', () => {
  const baseUrl = new URL(inject('postgresUrl') ?? 'postgres://127.0.0.1:5432/test');
  const schema = `moat_test_${randomBytes(6).toString('hex')}`;
  // A password the server never asks for (trust auth), so that no output may show it.
  const password = `pw${randomBytes(8).toString('hex')}`;
  const storeUrl = new URL(baseUrl);
  storeUrl.password = password;
  storeUrl.searchParams.set('options', `-c search_path=${schema}`);

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    const client = new pg.Client({ connectionString: baseUrl.href });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  function writeConfig(name: string, rules: readonly object[]): string {
    const path = join(root, name);
    const config = { dataDir: join(root, `${name}-data`), store: { url: storeUrl.href } };
    // The epoch key file lives in the data folder, which the memory commands expect to exist.
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, JSON.stringify({ ...config, egress: { allow: rules } }));
    return path;
  }

  const storeRule = {
    destination: baseUrl.hostname,
    ports: [Number(baseUrl.port === '' ? '5432' : baseUrl.port)],
    justification: 'The PostgreSQL server holds the keys, memory and audit log.',
    approvedBy: 'Dana Fischer (security)',
    expires: '2099-12-31',
  };

  beforeAll(async () => {
    await query(`CREATE SCHEMA ${schema}`);
  });

  afterAll(async () => {
    await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('refuses a store.url no rule allows, naming the key, before connecting', async () => {
    const config = writeConfig('no-rule.yaml', []);

    const runs = [
      await moat(['keys', 'create', '--config', config, '--name', 'ci', '--scopes', 'chat']),
      await moat(['keys', 'list', '--config', config]),
      await moat(['audit', 'show', '--config', config]),
      await moat(['users', 'list', '--config', config]),
      await moat(['keys', 'list'], { MOAT_STORE_URL: storeUrl.href }),
    ];

    for (const run of runs) {
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('store.url: connects to 127.0.0.1 port 5432');
      expect(run.stderr).toContain('no rule allows it');
      expect(run.stderr).not.toContain(password);
      expect(run.stderr).not.toContain('egress_denied');
    }
    const tables = await query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = '${schema}'`,
    );
    expect(tables).toEqual([{ n: 0 }]);
  });

  it('runs moat keys create, keys list and audit show under a rule for the store', async () => {
    const config = writeConfig('with-rule.yaml', [storeRule]);

    const created = await moat([
      'keys',
      'create',
      '--config',
      config,
      '--name',
      'pg-ci',
      '--scopes',
      'chat',
      '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.exitCode).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(id).toMatch(KEY_ID);

    const listed = await moat(['keys', 'list', '--config', config]);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain(id);

    const shown = await moat(['audit', 'show', '--config', config, '--json']);
    expect(shown.exitCode).toBe(0);
    const entries = shown.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; targets: string[] });
    expect(entries.map((entry) => entry.action)).toEqual(['key.created']);
    expect(JSON.stringify(entries[0]?.targets)).toContain(id);

    const rows = await query(`SELECT count(*)::int AS n FROM ${schema}.api_keys`);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('runs moat backup create, erase and receipt verify under the rule, and not without', async () => {
    const withRule = writeConfig('keys-with-rule.yaml', [storeRule]);
    const withoutRule = writeConfig('keys-no-rule.yaml', []);
    const env = { MOAT_MASTER_KEY: generateMasterKeyText() };
    const backup = join(root, 'pg-backup.json');
    const receipt = join(root, 'pg-receipt.json');

    const refused = await moat(['backup', 'create', '--config', withoutRule, '--out', backup], env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('store.url: connects to 127.0.0.1 port 5432');
    expect(refused.stderr).not.toContain(env.MOAT_MASTER_KEY);

    const backedUp = await moat(['backup', 'create', '--config', withRule, '--out', backup], env);
    expect(backedUp.stderr).toBe('');
    expect(backedUp.exitCode).toBe(0);
    const erased = await moat(
      ['erase', '--config', withRule, '--owner', 'pgowner', '--out', receipt],
      env,
    );
    expect(erased.exitCode).toBe(0);
    expect(erased.stderr).toContain('erased owner pgowner: 0 item(s), receipt written');
    const verified = await moat(['receipt', 'verify', receipt, '--config', withRule], env);
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toMatch(/^VALID: \S+ of 0 item\(s\) of owner pgowner, destroyed /);
  });
});
