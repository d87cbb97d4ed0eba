import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MoatConfig } from '../config/index.js';
import { runCli } from './index.js';

const fake = vi.hoisted(() => ({
  startedWith: [] as unknown[],
  close: vi.fn(() => Promise.resolve()),
}));

vi.mock('../main.js', () => ({
  startMoat: (config: unknown) => {
    fake.startedWith.push(config);
    return Promise.resolve({
      url: 'http://127.0.0.1:4321',
      firstAdminToken: `moat_abcdefghijkl_${'A'.repeat(43)}`,
      modelNames: ['moat-demo'],
      isDemoModel: true,
      close: fake.close,
      recordCrash: () => undefined,
    });
  },
}));

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'moat-serve-'));
  fake.startedWith.length = 0;
  fake.close.mockClear();
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('moat serve', () => {
  it('lets flags win over the environment, prints the banner once and closes on SIGTERM', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const events = ['SIGTERM', 'uncaughtException', 'unhandledRejection'] as const;
    const listenersBefore = events.map((event) => process.listenerCount(event));
    const running = runCli(['serve', '--data', folder, '--port', '0', '--host', '127.0.0.2'], {
      env: { MOAT_PORT: '9999', MOAT_DATA_DIR: '/elsewhere' },
      output: { print: (text) => stdout.push(text), printError: (text) => stderr.push(text) },
    });

    await vi.waitFor(() => {
      expect(stdout).toHaveLength(1);
    });
    const listenersWhileServing = events.map((event) => process.listenerCount(event));
    process.emit('SIGTERM', 'SIGTERM');

    expect(await running).toBe(0);
    expect(fake.close).toHaveBeenCalledTimes(1);
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toContain('listening on http://127.0.0.1:4321');
    expect(stdout[0]).toContain('word salad');
    expect(stderr.join('\n')).toContain('SIGTERM');
    const config = fake.startedWith[0] as MoatConfig;
    expect(config.dataDir).toBe(folder);
    expect(config.server).toMatchObject({ port: 0, host: '127.0.0.2' });
    expect(listenersWhileServing).toEqual(listenersBefore.map((count) => count + 1));
    expect(events.map((event) => process.listenerCount(event))).toEqual(listenersBefore);
  });
});
