import { availableParallelism } from 'node:os';

export interface EmbeddedBackendOptions {
  /** Path to the GGUF model file. */
  modelPath: string;
  /**
   * CPU threads the engine may keep busy at once, chat and embeddings together. Keep it at or
   * below the core count: with more threads than cores ggml spin-waits and generation becomes
   * many times slower.
   *
   * Chat and embeddings run on two engine contexts. Rather than each taking this many
   * threads, they draw on it as one budget, batch by batch: while both are busy they split it,
   * and when one is idle the other may use all of it. Every embedded model in the process
   * draws on the same budget, the smallest any of them was given.
   *
   * Models under 32 MiB use one thread per context whatever the budget: their matrices are
   * too small to share out, and waking a second thread costs more than it saves.
   * @default the machine's core count (`os.availableParallelism()`)
   */
  threads?: number;
  /** Tokens of context per request, prompt and answer together. @default 2048 */
  contextSize?: number;
  /**
   * Requests served at the same time, chat and embeddings alike: each holds one engine
   * sequence while it runs. More wait in line. @default 2
   */
  parallelSequences?: number;
  /**
   * Requests that may wait for a free sequence. One more is refused at once with
   * `model_busy` (503, worth retrying), so that a backlog cannot grow without bound in memory
   * and in waiting time. 0 refuses every request that finds all sequences busy.
   * @default 64
   */
  maxQueuedRequests?: number;
  /** Most tokens an answer may have when the request does not say. @default 256 */
  defaultMaxTokens?: number;
  /** SHA-256 of the model file, hex. The file is hashed before loading and refused on mismatch. */
  expectedSha256?: string;
}

export type EngineSettings = Required<Omit<EmbeddedBackendOptions, 'expectedSha256'>>;

function integerAtLeast(min: number, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    const kind = min === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new Error(`Embedded backend option ${name} must be ${kind}.`);
  }
  return value;
}

/** The options with their defaults filled in, each checked. */
export function resolveSettings(options: EmbeddedBackendOptions): EngineSettings {
  return {
    modelPath: options.modelPath,
    threads: integerAtLeast(1, 'threads', options.threads ?? availableParallelism()),
    contextSize: integerAtLeast(1, 'contextSize', options.contextSize ?? 2048),
    parallelSequences: integerAtLeast(1, 'parallelSequences', options.parallelSequences ?? 2),
    maxQueuedRequests: integerAtLeast(0, 'maxQueuedRequests', options.maxQueuedRequests ?? 64),
    defaultMaxTokens: integerAtLeast(1, 'defaultMaxTokens', options.defaultMaxTokens ?? 256),
  };
}
