import type { EgressPolicy } from './egress-policy.js';
import { parseIpAddress } from './ip-address.js';

/** A place the configuration tells Moat to connect to, and the key that says so. */
export interface ConfiguredDestination {
  /** The config key, as written in the file: `models[2].baseUrl`. */
  key: string;
  /** An `http:`, `https:`, `postgres:` or `redis:` URL. */
  url: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
  'rediss:': 6379,
};

/**
 * One problem per configured destination that no unexpired rule allows, naming the key, the
 * host and the port (never the whole URL, which may carry a password). Only names and
 * addresses are compared: no lookup is made, so a start-up never touches the network.
 */
export function findUnallowedDestinations(
  policy: EgressPolicy,
  destinations: readonly ConfiguredDestination[],
  nowMs: number,
): { key: string; text: string }[] {
  const problems: { key: string; text: string }[] = [];
  for (const { key, url } of destinations) {
    const target = hostAndPort(url);
    if (target === undefined) continue;
    if (target.host === '') {
      problems.push({
        key,
        text: 'names no TCP host; Moat connects over TCP only, to a host a rule allows',
      });
      continue;
    }

    const address = parseIpAddress(target.host);
    const options = { port: target.port, nowMs };
    const decision =
      address === undefined
        ? policy.checkName(target.host, options)
        : policy.checkAddress(address, options);
    if (decision.isAllowed) continue;

    const why =
      decision.reason === 'rule_expired'
        ? 'the rule that allowed it has expired'
        : 'no rule allows it';
    const fix = 'add a rule for it to egress.allow (see docs/egress.md)';
    problems.push({
      key,
      text: `connects to ${target.host} port ${target.port}, but ${why}; ${fix}`,
    });
  }
  return problems;
}

function hostAndPort(text: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  return port === undefined ? undefined : { host, port };
}
