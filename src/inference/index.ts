export * from './inference-backend.js';
export { createEmbeddedBackend, type EmbeddedBackendOptions } from './embedded/embedded-backend.js';
export { createUpstreamBackend, type UpstreamBackendOptions } from './upstream/upstream-backend.js';
export { ensureDemoModel, writeDemoModel } from './gguf/demo-model.js';
