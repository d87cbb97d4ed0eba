import {
  ConfigError,
  type MoatConfig,
  type ModelConfig,
  type UpstreamModelConfig,
} from '../config/index.js';
import {
  createEmbeddedBackend,
  createUpstreamBackend,
  ensureDemoModel,
  type InferenceBackend,
} from '../inference/index.js';

/** The name under which the generated demo model is served. */
export const DEMO_MODEL_NAME = 'moat-demo';

export interface CatalogEntry {
  name: string;
  backend: InferenceBackend;
  defaultMaxTokens: number;
  /** True for the generated demo model, whose answers are word salad. */
  isDemo: boolean;
  /** Seconds since the epoch when the catalog loaded the model (the API's `created`). */
  createdAtSeconds: number;
}

/** The approved models. Nothing outside it is served; unknown names are refused, not forwarded. */
export class ModelCatalog {
  readonly #entries: ReadonlyMap<string, CatalogEntry>;

  constructor(entries: readonly CatalogEntry[]) {
    this.#entries = new Map(entries.map((entry) => [entry.name, entry]));
  }

  get(name: string): CatalogEntry | undefined {
    return this.#entries.get(name);
  }

  list(): CatalogEntry[] {
    return [...this.#entries.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((entry) => entry.backend.close()));
  }
}

/** Builds every configured backend, or the demo model when none is configured. */
export async function loadCatalog(config: MoatConfig): Promise<ModelCatalog> {
  const isDemo = config.models.length === 0;
  const models = isDemo ? [await demoModelConfig(config)] : config.models;
  const createdAtSeconds = Math.floor(Date.now() / 1000);
  const entries: CatalogEntry[] = [];

  try {
    for (const model of models) {
      const backend = await createBackend(model, config);
      entries.push({
        name: model.name,
        backend,
        defaultMaxTokens: model.defaultMaxTokens,
        isDemo,
        createdAtSeconds,
      });
    }
  } catch (error) {
    await new ModelCatalog(entries).close();
    throw error;
  }
  return new ModelCatalog(entries);
}

async function demoModelConfig(config: MoatConfig): Promise<ModelConfig> {
  const file = await ensureDemoModel(config.dataDir);
  return { name: DEMO_MODEL_NAME, backend: 'embedded', file, defaultMaxTokens: 64 };
}

async function createBackend(model: ModelConfig, config: MoatConfig): Promise<InferenceBackend> {
  if (model.backend === 'upstream') {
    const apiKey = readUpstreamKey(model);
    return createUpstreamBackend({
      baseUrl: model.baseUrl,
      upstreamModel: model.upstreamModel ?? model.name,
      timeoutMs: model.timeoutMs,
      maxConnections: model.maxConnections,
      maxResponseBytes: model.maxResponseBytes,
      defaultMaxTokens: model.defaultMaxTokens,
      ...(apiKey === undefined ? {} : { apiKey }),
    });
  }
  return createEmbeddedBackend({
    modelPath: model.file,
    threads: config.engine.threads,
    contextSize: config.engine.contextSize,
    parallelSequences: config.engine.parallelSequences,
    maxQueuedRequests: config.engine.maxQueuedRequests,
    defaultMaxTokens: model.defaultMaxTokens,
    ...(model.sha256 === undefined ? {} : { expectedSha256: model.sha256 }),
  });
}

function readUpstreamKey(model: UpstreamModelConfig): string | undefined {
  if (model.apiKeyEnv === undefined) return undefined;
  const apiKey = process.env[model.apiKeyEnv];
  if (apiKey !== undefined && apiKey !== '') return apiKey;
  throw new ConfigError(
    `model ${model.name}: apiKeyEnv names ${model.apiKeyEnv}, which is not set; ` +
      'export it before starting Moat, or remove apiKeyEnv if the upstream needs no key',
  );
}
