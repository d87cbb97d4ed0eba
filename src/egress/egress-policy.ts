import { isPublicAddress, isUnspecifiedAddress } from './address-class.js';
import { normalizeHostName, parseDestination, type Destination } from './destination.js';
import type { EgressRuleConfig } from './egress-rule-schema.js';
import { canonicalAddress, isInRange, type IpAddress } from './ip-address.js';

/** Why a connection or lookup was refused; a closed set, used as a metric label. */
export const DENIAL_REASONS = [
  'no_rule',
  'rule_expired',
  'non_public_address',
  'unspecified_address',
  'local_socket',
  'udp',
  'bad_port',
] as const;

export type DenialReason = (typeof DENIAL_REASONS)[number];

export type EgressDecision =
  { isAllowed: true; ruleIndex: number } | { isAllowed: false; reason: DenialReason };

/** One rule ready for matching, with its position in `egress.allow` for reports. */
export interface PolicyRule {
  index: number;
  destination: Destination;
  ports: readonly (readonly [low: number, high: number])[];
  /** The first instant the rule no longer allows anything: the day after `expires`, 00:00 UTC. */
  expiresAtMs: number;
  config: EgressRuleConfig;
}

const DAY_MS = 86_400_000;

/**
 * The allow-list as the guard applies it. A connection is allowed when an unexpired rule
 * names the address it really reaches (after lookup, IPv4-mapped IPv6 taken as IPv4) and its
 * port; or when a rule names the host name the caller asked for, the port matches, and the
 * address the name resolved to is public. Everything else is refused, loopback included.
 */
export class EgressPolicy {
  readonly rules: readonly PolicyRule[];

  constructor(rules: readonly EgressRuleConfig[]) {
    this.rules = rules.map(toPolicyRule);
  }

  /** Rules whose expiry has passed at `nowMs`: they deny, and start-up reports them. */
  expiredRules(nowMs: number): PolicyRule[] {
    return this.rules.filter((rule) => rule.expiresAtMs <= nowMs);
  }

  /** Whether `hostName` may be looked up (any port), or, with a port, connected to by name. */
  checkName(hostName: string, options: { port?: number; nowMs: number }): EgressDecision {
    const name = normalizeHostName(hostName);
    const matching = this.rules.filter(
      (rule) =>
        name !== undefined &&
        rule.destination.kind === 'name' &&
        rule.destination.name === name &&
        (options.port === undefined || hasPort(rule, options.port)),
    );
    return decideFrom(matching, options.nowMs);
  }

  /** Whether a socket may open to `address` and `port`, reached through `hostName` if given. */
  checkAddress(
    address: IpAddress,
    options: { port: number; hostName?: string; nowMs: number },
  ): EgressDecision {
    const canonical = canonicalAddress(address);
    if (isUnspecifiedAddress(canonical)) return { isAllowed: false, reason: 'unspecified_address' };

    const byAddress = this.rules.filter(
      (rule) =>
        rule.destination.kind === 'range' &&
        isInRange(canonical, rule.destination.range) &&
        hasPort(rule, options.port),
    );
    const addressDecision = decideFrom(byAddress, options.nowMs);
    if (addressDecision.isAllowed || options.hostName === undefined) return addressDecision;

    const nameDecision = this.checkName(options.hostName, options);
    if (!nameDecision.isAllowed) return byAddress.length > 0 ? addressDecision : nameDecision;
    if (!isPublicAddress(canonical)) return { isAllowed: false, reason: 'non_public_address' };
    return nameDecision;
  }
}

function decideFrom(matching: readonly PolicyRule[], nowMs: number): EgressDecision {
  const active = matching.find((rule) => rule.expiresAtMs > nowMs);
  if (active !== undefined) return { isAllowed: true, ruleIndex: active.index };
  return { isAllowed: false, reason: matching.length > 0 ? 'rule_expired' : 'no_rule' };
}

function hasPort(rule: PolicyRule, port: number): boolean {
  return rule.ports.some(([low, high]) => port >= low && port <= high);
}

function toPolicyRule(config: EgressRuleConfig, index: number): PolicyRule {
  const destination = parseDestination(config.destination);
  if (destination === undefined) throw new Error(`egress.allow[${index}] was not validated`);

  const ports = config.ports.map((port): readonly [number, number] => {
    if (typeof port === 'number') return [port, port];
    const [low = 0, high = 0] = port.split('-').map(Number);
    return [low, high];
  });
  const expiresAtMs = Date.parse(`${config.expires}T00:00:00Z`) + DAY_MS;
  return { index, destination, ports, expiresAtMs, config };
}
