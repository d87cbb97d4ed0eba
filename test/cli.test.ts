import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
