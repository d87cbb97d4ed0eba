import {
  EgressPolicy,
  findUnallowedDestinations,
  type ConfiguredDestination,
} from '../egress/index.js';
import { ConfigError } from './config-error.js';
import type { MoatConfig } from './config-schema.js';

/**
 * The configuration's allow-list as a policy, once every destination the configuration
 * names (the store and each upstream) is known to be allowed. A destination no rule allows
 * would fail at its first connect, so `moat serve` and every command that opens the store
 * refuse at once instead, naming the key.
 */
export function configuredEgressPolicy(config: MoatConfig, nowMs = Date.now()): EgressPolicy {
  const policy = new EgressPolicy(config.egress.allow);
  const problems = findUnallowedDestinations(policy, configuredDestinations(config), nowMs);
  if (problems.length === 0) return policy;

  const lines = problems.map((problem) => `  - ${problem.key}: ${problem.text}`);
  throw new ConfigError(
    ['egress policy does not allow a configured destination:', ...lines].join('\n'),
  );
}

/** Every place the configuration tells Moat to connect to. */
function configuredDestinations(config: MoatConfig): ConfiguredDestination[] {
  const upstreams = config.models.flatMap((model, index) =>
    model.backend === 'upstream' ? [{ key: `models[${index}].baseUrl`, url: model.baseUrl }] : [],
  );
  const store = config.store.url === undefined ? [] : [{ key: 'store.url', url: config.store.url }];
  return [...store, ...upstreams];
}
