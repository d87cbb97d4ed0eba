import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from './config/index.js';
import { startMoat } from './main.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './store/index.js';

let dataDir: string;
let blocker: Server | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'moat-main-'));
});

afterEach(async () => {
  const server = blocker;
  blocker = undefined;
  if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Holds a loopback port, so that Moat's own listen on it fails. */
async function occupyPort(): Promise<number> {
  const server = createServer();
  blocker = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function configFor(port: number): ReturnType<typeof configSchema.parse> {
  return configSchema.parse({
    dataDir,
    server: { host: '127.0.0.1', port },
    log: { level: 'silent' },
    engine: { threads: 1 },
  });
}

async function storedKeyCount(): Promise<number> {
  const store = openSqliteStore(join(dataDir, SQLITE_FILE_NAME));
  try {
    return await store.apiKeys.count();
  } finally {
    await store.close();
  }
}

describe('startMoat', () => {
  it('creates no admin key when it cannot listen, and creates one on the next start', async () => {
    const busyPort = await occupyPort();

    await expect(startMoat(configFor(busyPort))).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await storedKeyCount()).toBe(0);

    const moat = await startMoat(configFor(0));
    try {
      expect(moat.firstAdminToken).toMatch(/^moat_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
      expect(await storedKeyCount()).toBe(1);
    } finally {
      await moat.close();
    }
  });

  it('creates the first admin key only once', async () => {
    const first = await startMoat(configFor(0));
    await first.close();
    const second = await startMoat(configFor(0));
    await second.close();

    expect(first.firstAdminToken).toBeDefined();
    expect(second.firstAdminToken).toBeUndefined();
    expect(await storedKeyCount()).toBe(1);
  });
});
