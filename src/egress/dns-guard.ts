import { dnsModule as dns } from './builtin-modules.js';
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

/**
 * Guards name resolution: a lookup or query sends the name to a DNS server, which is
 * itself a way out (data can ride in a name). Only names a rule names may be resolved; IP
 * literals pass, as the system answers them without asking anyone.
 */
export function guardDns(context: GuardContext): void {
  const holders: { target: MethodHolder; isPromise: boolean }[] = [
    { target: dns, isPromise: false },
    { target: dns.Resolver.prototype as unknown as MethodHolder, isPromise: false },
    { target: dns.promises, isPromise: true },
    { target: dns.promises.Resolver.prototype as unknown as MethodHolder, isPromise: true },
  ];

  for (const { target, isPromise } of holders) {
    for (const method of ['lookup', ...RESOLVE_METHODS]) {
      wrap(target, method, { context, isPromise, isAlwaysDenied: false });
    }
    for (const method of REVERSE_METHODS) {
      wrap(target, method, { context, isPromise, isAlwaysDenied: true });
    }
  }
}

function wrap(
  target: MethodHolder,
  method: string,
  how: { context: GuardContext; isPromise: boolean; isAlwaysDenied: boolean },
): void {
  const original = target[method];
  if (typeof original !== 'function') return;

  target[method] = function guardedDnsCall(this: unknown, ...args: unknown[]): unknown {
    const refusal = checkQuery(args[0], how);
    if (refusal === undefined) return (original as AnyFunction).apply(this, args);
    if (how.isPromise) return Promise.reject(refusal);

    const callback = args.findLast((arg) => typeof arg === 'function') as AnyFunction | undefined;
    if (callback === undefined) throw refusal;
    process.nextTick(callback, refusal);
    return undefined;
  };
}

function checkQuery(
  query: unknown,
  how: { context: GuardContext; isAlwaysDenied: boolean },
): Error | undefined {
  const destination = logSafeDestination(query);
  if (how.isAlwaysDenied || typeof query !== 'string') {
    return how.context.deny({ kind: 'lookup', destination, reason: 'no_rule' });
  }
  if (parseIpAddress(query) !== undefined) return undefined;

  const decision = how.context.policy().checkName(query, { nowMs: Date.now() });
  if (decision.isAllowed) return undefined;
  return how.context.deny({ kind: 'lookup', destination, reason: decision.reason });
}
