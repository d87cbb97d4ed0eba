export { installEgressGuard, isEgressGuardInstalled, type EgressGuard } from './egress-guard.js';
export {
  EgressPolicy,
  DENIAL_REASONS,
  type DenialReason,
  type PolicyRule,
} from './egress-policy.js';
export {
  egressSchema,
  egressRuleSchema,
  whyJustificationIsWeak,
  type EgressConfig,
  type EgressRuleConfig,
} from './egress-rule-schema.js';
export type { EgressDenial, DeniedListener } from './egress-denial.js';
export {
  findUnallowedDestinations,
  type ConfiguredDestination,
} from './configured-destinations.js';
