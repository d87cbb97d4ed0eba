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
  whyApproverIsWeak,
  whyJustificationIsWeak,
  type EgressConfig,
  type EgressRuleConfig,
} from './egress-rule-schema.js';
export type { EgressDenial, DeniedListener } from './egress-denial.js';
export {
  findUnallowedDestinations,
  type ConfiguredDestination,
} from './configured-destinations.js';
export {
  FIREWALL_FORMATS,
  formatFirewallRules,
  isValidServiceUser,
  type FirewallFormat,
} from './firewall-rules.js';
export {
  hasLeftTheHost,
  parseProbeTarget,
  probeTargets,
  type ProbeResult,
  type ProbeTarget,
} from './egress-probe.js';
export { readNameServers, resolveRuleNames } from './resolve-rule-names.js';
export { parseIpAddress } from './ip-address.js';
