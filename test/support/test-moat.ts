import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/index.js';
import { writeDemoModel } from '../../src/inference/index.js';
import { startMoat, type RunningMoat } from '../../src/main.js';
import { LOOPBACK_TEST_RULE } from './egress-rules.js';

export interface TestMoat extends RunningMoat {
  dataDir: string;
  logFile: string;
  /** The admin token created on first start (scopes chat and admin). */
  adminToken: string;
  stop(): Promise<void>;
}

export interface TestMoatOptions {
  /** Extra models beside the demo model, which is always served as `demo`. */
  upstreams?: { name: string; baseUrl: string; upstreamModel?: string; timeoutMs?: number }[];
  /** Raw config sections, validated by the real schema like a config file would be. */
  config?: {
    server?: Record<string, unknown>;
    engine?: Record<string, unknown>;
    log?: Record<string, unknown>;
    web?: Record<string, unknown>;
    redaction?: Record<string, unknown>;
  };
  /** The allow-list. @default one rule for every port of 127.0.0.1 (`LOOPBACK_TEST_RULE`) */
  egressRules?: readonly unknown[];
}

/** A real Moat in this process, on a free loopback port, with its own data folder. */
export async function startTestMoat(options: TestMoatOptions = {}): Promise<TestMoat> {
  const dataDir = mkdtempSync(join(tmpdir(), 'moat-test-'));
  const modelFile = join(dataDir, 'demo.gguf');
  await writeDemoModel(modelFile);
  const logFile = join(dataDir, 'moat.log');

  const config = configSchema.parse({
    dataDir,
    server: { port: 0, ...options.config?.server },
    log: { level: 'trace', file: logFile, ...options.config?.log },
    engine: { threads: 1, ...options.config?.engine },
    web: options.config?.web ?? {},
    ...(options.config?.redaction === undefined ? {} : { redaction: options.config.redaction }),
    models: [
      { name: 'demo', backend: 'embedded', file: modelFile, defaultMaxTokens: 16 },
      ...(options.upstreams ?? []).map((upstream) => ({ backend: 'upstream', ...upstream })),
    ],
    egress: { allow: options.egressRules ?? [LOOPBACK_TEST_RULE] },
  });
  const moat = await startMoat(config);
  if (moat.firstAdminToken === undefined) throw new Error('a fresh data folder has no admin key');

  return {
    ...moat,
    dataDir,
    logFile,
    adminToken: moat.firstAdminToken,
    stop: async () => {
      await moat.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
