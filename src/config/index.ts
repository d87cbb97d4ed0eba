export {
  configSchema,
  modelConfigSchema,
  type MoatConfig,
  type ModelConfig,
  type RedactionConfig,
  type EmbeddedModelConfig,
  type UpstreamModelConfig,
  type WebConfig,
} from './config-schema.js';
export { whyNotLoopback } from './loopback-host.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { ConfigError } from './config-error.js';
export { ENV_OVERRIDES } from './env-overrides.js';
export { configuredEgressPolicy } from './configured-egress-policy.js';
