import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../src/config/index.js';
import { writeDemoModel } from '../../src/inference/index.js';
import { startMoat, type RunningMoat } from '../../src/main.js';
import { LOOPBACK_TEST_RULE } from './egress-rules.js';
import { createApiKey, type Scope } from '../../src/auth/index.js';
import { openStore, storeLocation, type StoreLocation } from '../../src/store/index.js';

export interface TestMoat extends RunningMoat {
  dataDir: string;
  logFile: string;
  /** The admin token created on first start (scopes chat and admin). */
  adminToken: string;
  /** Where its store lives; tests may open it beside the running Moat. */
  store: StoreLocation;
  /** Creates an API key with these scopes and returns its token. */
  createKey(name: string, scopes: Scope[]): Promise<string>;
  stop(): Promise<void>;
}

export interface TestMoatOptions {
  /** Extra models beside the demo model, which is always served as `demo`. */
  upstreams?: { name: string; baseUrl: string; upstreamModel?: string; timeoutMs?: number }[];
  /** Raw config sections, validated by the real schema like a config file would be. */
  /** The allow-list. @default one rule for every port of 127.0.0.1 (`LOOPBACK_TEST_RULE`) */
  egressRules?: readonly unknown[];
  config?: {
    server?: Record<string, unknown>;
    engine?: Record<string, unknown>;
    log?: Record<string, unknown>;
    web?: Record<string, unknown>;
    redaction?: Record<string, unknown>;
    store?: Record<string, unknown>;
    keys?: Record<string, unknown>;
    memory?: Record<string, unknown>;
    breakGlass?: Record<string, unknown>;
  };
  /** The environment Moat reads (MOAT_MASTER_KEY). @default {} */
  env?: NodeJS.ProcessEnv;
  /** Use this store instead of a SQLite file in the data folder. */
  store?: StoreLocation;
}

/** A real Moat in this process, on a free loopback port, with its own data folder. */
export async function startTestMoat(options: TestMoatOptions = {}): Promise<TestMoat> {
  const dataDir = mkdtempSync(join(tmpdir(), 'moat-test-'));
  try {
    return await startIn(dataDir, options);
  } catch (error) {
    // A start that fails (as some tests mean it to) leaves no folder behind.
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dataDir: string, options: TestMoatOptions): Promise<TestMoat> {
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
    keys: { ...options.config?.keys },
    memory: { ...options.config?.memory },
    breakGlass: { ...options.config?.breakGlass },
    models: [
      { name: 'demo', backend: 'embedded', file: modelFile, defaultMaxTokens: 16 },
      ...(options.upstreams ?? []).map((upstream) => ({ backend: 'upstream', ...upstream })),
    ],
    egress: { allow: options.egressRules ?? [LOOPBACK_TEST_RULE] },
  });
  const moat = await startMoat(config, options.env ?? {}, options.store);
  const store = options.store ?? storeLocation(config);
  if (moat.firstAdminToken === undefined) throw new Error('a fresh data folder has no admin key');

  return {
    ...moat,
    dataDir,
    logFile,
    adminToken: moat.firstAdminToken,
    store,
    createKey: async (name, scopes) => {
      const opened = await openStore(store);
      try {
        return (await createApiKey(opened, { name, scopes })).token;
      } finally {
        await opened.close();
      }
    },
    stop: async () => {
      await moat.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
