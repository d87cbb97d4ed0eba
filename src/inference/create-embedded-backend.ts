import type { EmbeddedBackendOptions } from './embedded/embedded-backend-options.js';
import type { InferenceBackend } from './inference-backend.js';

/**
 * Loads the llama.cpp binding only when an embedded model is configured: a gateway in front
 * of upstream servers never maps the engine into memory.
 */
export async function createEmbeddedBackend(
  options: EmbeddedBackendOptions,
): Promise<InferenceBackend> {
  const embedded = await import('./embedded/embedded-backend.js');
  return embedded.createEmbeddedBackend(options);
}
