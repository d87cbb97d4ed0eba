import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { writeDemoModel } from '../src/inference/index.js';
import { openMemory, resolveMasterKey } from '../src/memory/index.js';
import { openStore } from '../src/store/index.js';
import { spawnMoat } from './support/moat-process.js';

const MOAT_BIN = fileURLToPath(new URL('../bin/moat.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'moat-crash-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Fires saves without waiting for them; resolves with the statuses that came back. */
function fireSaves(url: string, token: string, count: number): Promise<number[]> {
  const body = (index: number) => JSON.stringify({ text: `item ${index} `.padEnd(200_000, 'x') });
  return Promise.all(
    Array.from({ length: count }, async (_, index) =>
      request(`${url}/v1/memory/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body(index),
      }).then(
        async (response) => {
          await response.body.dump();
          return response.statusCode;
        },
        () => 0,
      ),
    ),
  );
}

it('leaves no readable half item and no item without its key when killed during saves', async () => {
  const dataDir = join(root, 'data');
  const modelFile = join(root, 'demo.gguf');
  await writeDemoModel(modelFile);
  const configFile = join(root, 'moat.yaml');
  writeFileSync(
    configFile,
    `dataDir: ${dataDir}\nserver: { port: 0 }\nengine: { threads: 1 }\n` +
      `models:\n  - { name: demo, backend: embedded, file: ${modelFile} }\n`,
  );
  const env = { PATH: process.env.PATH };
  const run = (args: string[]) =>
    execFileSync(process.execPath, [MOAT_BIN, ...args], { env, encoding: 'utf8' });
  run(['keys', 'create', '--name', 'saver', '--scopes', 'memory', '--config', configFile]);
  const { token } = JSON.parse(
    run([
      'keys',
      'create',
      '--name',
      'saver2',
      '--scopes',
      'memory',
      '--json',
      '--config',
      configFile,
    ]),
  ) as { token: string };

  const moat = await spawnMoat(['serve', '--config', configFile], env);
  const saves = fireSaves(moat.url, token, 40);
  await new Promise((resolve) => setTimeout(resolve, 150));
  moat.child.kill('SIGKILL');
  const statuses = await saves;
  expect(statuses.filter((status) => status === 0).length).toBeGreaterThan(0);

  const store = await openStore({ backend: 'sqlite', filePath: join(dataDir, 'moat.db') });
  try {
    const masterKey = resolveMasterKey({
      masterKeyFile: undefined,
      dataDir,
      env: {},
      mayCreate: false,
    });
    const memory = await openMemory({
      store,
      masterKey: masterKey.key,
      retention: { defaultDays: 30, maxDays: 365, kinds: {}, dataClasses: {} },
      epochs: { epochLengthMs: 86_400_000, keepAfterEndMs: 0 },
      epochKeyFile: join(dataDir, 'epoch-keys.json'),
    });
    const ownerId = token.split('_')[1] ?? '';
    const items = await memory.service.list(ownerId, 1000);
    expect(items.length).toBeGreaterThanOrEqual(statuses.filter((status) => status === 201).length);
    for (const item of items) {
      const opened = await memory.service.get(ownerId, item.id);
      expect(opened?.content.text).toMatch(/^item \d+ x+$/);
      expect(opened?.content.text).toHaveLength(200_000);
    }
    const keys = await store.keyring.listItemKeys();
    const keyed = new Set(keys.map((key) => key.itemId));
    expect(items.every((item) => keyed.has(item.id))).toBe(true);
  } finally {
    await store.close();
  }

  const restarted = await spawnMoat(['serve', '--config', configFile], env);
  const listed = await request(`${restarted.url}/v1/memory`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(listed.statusCode).toBe(200);
  await listed.body.dump();
  expect(await restarted.stop()).toBe(0);
});
