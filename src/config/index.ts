export {
  configSchema,
  modelConfigSchema,
  type MoatConfig,
  type ModelConfig,
  type EmbeddedModelConfig,
  type UpstreamModelConfig,
} from './config-schema.js';
export { loadConfig, ConfigError, type LoadConfigOptions } from './load-config.js';
export { ENV_OVERRIDES } from './env-overrides.js';
