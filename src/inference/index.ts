export * from './inference-backend.js';
export { createEmbeddedBackend } from './create-embedded-backend.js';
export type { EmbeddedBackendOptions } from './embedded/embedded-backend-options.js';
export { createUpstreamBackend, type UpstreamBackendOptions } from './upstream/upstream-backend.js';
export { ensureDemoModel, writeDemoModel } from './gguf/demo-model.js';
