import { readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import type { PolicyRule } from './egress-policy.js';

/**
 * The addresses each host-name rule resolves to now, for firewall rules, which cannot hold
 * names. A name that does not resolve maps to no address, and the output says so.
 */
export async function resolveRuleNames(
  rules: readonly PolicyRule[],
): Promise<Map<string, string[]>> {
  const resolved = new Map<string, string[]>();
  for (const rule of rules) {
    if (rule.destination.kind !== 'name' || resolved.has(rule.destination.name)) continue;
    const answers = await lookup(rule.destination.name, { all: true }).catch(() => []);
    resolved.set(
      rule.destination.name,
      answers.map((answer) => answer.address),
    );
  }
  return resolved;
}

/** The `nameserver` addresses of /etc/resolv.conf, or none when it cannot be read. */
export function readNameServers(path = '/etc/resolv.conf'): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((server): server is string => server !== undefined);
}
