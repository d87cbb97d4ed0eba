import { dnsModule as dns } from './builtin-modules.js';
import { guardDnsServers, type ServerCheck } from './dns-server-guard.js';
import type { GuardContext } from './egress-denial.js';
import { logSafeDestination } from './egress-denial.js';
import { parseIpAddress } from './ip-address.js';

/** The query methods of `dns`, `dns.promises` and both `Resolver` classes. */
const RESOLVE_METHODS = [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
] as const;

/** Methods that ask the network about an address; no rule allows them. */
const REVERSE_METHODS = ['reverse', 'lookupService'] as const;

type AnyFunction = (...args: unknown[]) => unknown;
type MethodHolder = Record<string, unknown>;

/** How a query reads the servers it would go to, from the resolver it was called on. */
type ServersOf = (resolver: unknown) => string[];

interface Holder {
  target: MethodHolder;
  isPromise: boolean;
  serversOf: ServersOf;
}

interface WrapOptions {
  context: GuardContext;
  isPromise: boolean;
  isAlwaysDenied: boolean;
  /** Set for the `resolve*` methods, which ask a DNS server; `lookup` asks the system. */
  servers?: { of: ServersOf; check: ServerCheck };
}

/**
 * Guards name resolution: a lookup or query sends the name to a DNS server, which is
 * itself a way out (data can ride in a name). Only names a rule names may be resolved. A
 * `lookup` of an IP literal passes, as the system answers it without asking anyone; a
 * `resolve*` query always goes to a DNS server, which must be one it may ask.
 */
export function guardDns(context: GuardContext): void {
  const resolverServers = dns.Resolver.prototype.getServers;
  const promiseResolverServers = dns.promises.Resolver.prototype.getServers;
  const check = guardDnsServers(context);
  const holders: Holder[] = [
    { target: dns, isPromise: false, serversOf: () => dns.getServers() },
    {
      target: dns.Resolver.prototype as unknown as MethodHolder,
      isPromise: false,
      serversOf: (resolver) => resolverServers.call(resolver),
    },
    { target: dns.promises, isPromise: true, serversOf: () => dns.promises.getServers() },
    {
      target: dns.promises.Resolver.prototype as unknown as MethodHolder,
      isPromise: true,
      serversOf: (resolver) => promiseResolverServers.call(resolver),
    },
  ];

  for (const { target, isPromise, serversOf } of holders) {
    wrap(target, 'lookup', { context, isPromise, isAlwaysDenied: false });
    for (const method of RESOLVE_METHODS) {
      const servers = { of: serversOf, check };
      wrap(target, method, { context, isPromise, isAlwaysDenied: false, servers });
    }
    for (const method of REVERSE_METHODS) {
      wrap(target, method, { context, isPromise, isAlwaysDenied: true });
    }
  }
}

function wrap(target: MethodHolder, method: string, how: WrapOptions): void {
  const original = target[method];
  if (typeof original !== 'function') return;

  target[method] = function guardedDnsCall(this: unknown, ...args: unknown[]): unknown {
    const refusal = checkQuery(args[0], how) ?? checkResolverServers(this, how);
    if (refusal === undefined) return (original as AnyFunction).apply(this, args);
    if (how.isPromise) return Promise.reject(refusal);

    const callback = args.findLast((arg) => typeof arg === 'function') as AnyFunction | undefined;
    if (callback === undefined) throw refusal;
    process.nextTick(callback, refusal);
    return undefined;
  };
}

function checkQuery(query: unknown, how: WrapOptions): Error | undefined {
  const destination = logSafeDestination(query);
  if (how.isAlwaysDenied || typeof query !== 'string') {
    return how.context.deny({ kind: 'lookup', destination, reason: 'no_rule' });
  }
  if (how.servers === undefined && parseIpAddress(query) !== undefined) return undefined;

  const decision = how.context.policy().checkName(query, { nowMs: Date.now() });
  if (decision.isAllowed) return undefined;
  return how.context.deny({ kind: 'lookup', destination, reason: decision.reason });
}

/** The servers are read from the resolver itself, so a changed list is always seen. */
function checkResolverServers(resolver: unknown, how: WrapOptions): Error | undefined {
  if (how.servers === undefined) return undefined;

  let servers: string[];
  try {
    servers = how.servers.of(resolver);
  } catch {
    return how.context.deny({ kind: 'lookup', destination: 'unnamed', reason: 'no_rule' });
  }
  return how.servers.check(servers);
}
