import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';

export interface EmbeddingContextOptions {
  contextTokens: number;
  /** Threads the context asks for; the process's thread budget may grant fewer. */
  threads: number;
}

/**
 * A model's embedding context, created on first use and shared by every later request, so
 * that a model only ever used for chat never pays for it. A failed creation is retried by the
 * next request; once disposed, it is never created again.
 */
export class LazyEmbeddingContext {
  readonly #model: LlamaModel;
  readonly #options: EmbeddingContextOptions;
  #context: Promise<LlamaEmbeddingContext> | undefined;
  #isDisposed = false;

  constructor(model: LlamaModel, options: EmbeddingContextOptions) {
    this.#model = model;
    this.#options = options;
  }

  get(): Promise<LlamaEmbeddingContext> {
    if (this.#isDisposed) return Promise.reject(new Error('the embedding context is disposed'));
    if (this.#context !== undefined) return this.#context;

    const creating = this.#model.createEmbeddingContext({
      contextSize: this.#options.contextTokens,
      threads: this.#options.threads,
    });
    this.#context = creating;
    creating.catch(() => {
      if (this.#context === creating) this.#context = undefined;
    });
    return creating;
  }

  async dispose(): Promise<void> {
    this.#isDisposed = true;
    const context = await this.#context?.catch(() => undefined);
    await context?.dispose();
  }
}
