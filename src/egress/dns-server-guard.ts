import { dnsModule as dns } from './builtin-modules.js';
import type { GuardContext } from './egress-denial.js';
import { logSafeDestination } from './egress-denial.js';
import { parseIpAddress, type IpAddress } from './ip-address.js';

type MethodHolder = Record<string, unknown>;

const DNS_PORT = 53;

/** Answers the refusal for the first of `servers` that may not be asked, or undefined. */
export type ServerCheck = (servers: readonly string[]) => Error | undefined;

/**
 * Guards the choice of DNS server. The `resolve*` methods send their query over c-ares's own
 * sockets, which the `net` and `dgram` guards never see, to whichever servers `setServers`
 * named. The servers the system configured when the guard was installed are the ones
 * lookups use too; any other server is reachable only where a rule allows its address and
 * port. `setServers` refuses such a server at once; the check it answers is what every
 * query runs on its resolver's servers, so an expired rule or a new policy stops queries too.
 */
export function guardDnsServers(context: GuardContext): ServerCheck {
  const systemServers = new Set(dns.getServers());
  const check: ServerCheck = (servers) => checkServers(servers, { context, systemServers });

  const holders = [
    dns,
    dns.Resolver.prototype,
    dns.promises,
    dns.promises.Resolver.prototype,
  ] as unknown as MethodHolder[];
  for (const holder of holders) guardSetServers(holder, check);
  return check;
}

/** The refusal for the first server of `servers` no rule allows, or undefined. */
function checkServers(
  servers: readonly string[],
  how: { context: GuardContext; systemServers: ReadonlySet<string> },
): Error | undefined {
  const nowMs = Date.now();
  for (const text of servers) {
    if (how.systemServers.has(text)) continue;

    const server = parseServer(text);
    const decision =
      server === undefined
        ? ({ isAllowed: false, reason: 'no_rule' } as const)
        : how.context.policy().checkAddress(server.address, { port: server.port, nowMs });
    if (decision.isAllowed) continue;
    return how.context.deny({
      kind: 'lookup',
      destination: logSafeDestination(server?.addressText ?? text),
      ...(server === undefined ? {} : { port: server.port }),
      reason: decision.reason,
    });
  }
  return undefined;
}

function guardSetServers(holder: MethodHolder, check: ServerCheck): void {
  const original = holder.setServers;
  if (typeof original !== 'function') return;

  holder.setServers = function guardedSetServers(this: unknown, servers: unknown): unknown {
    const list = Array.isArray(servers) ? servers.map(String) : [String(servers)];
    const refusal = check(list);
    if (refusal !== undefined) throw refusal;
    return (original as (servers: unknown) => unknown).call(this, servers);
  };
}

/**
 * A server as `setServers` takes it and `getServers` answers it: `a.b.c.d[:port]`,
 * `[v6]:port`, `v6`.
 */
function parseServer(
  text: string,
): { address: IpAddress; addressText: string; port: number } | undefined {
  const match =
    /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text) ?? /^([\d.]+)(?::(\d{1,5}))?$/.exec(text);
  const addressText = match?.[1] ?? text;
  const port = match?.[2] === undefined ? DNS_PORT : Number(match[2]);

  const address = parseIpAddress(addressText);
  if (address === undefined || port < 1 || port > 65535) return undefined;
  return { address, addressText, port };
}
