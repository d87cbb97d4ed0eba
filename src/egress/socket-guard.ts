import type { LookupAddress, LookupOptions, lookup } from 'node:dns';
import type { Socket } from 'node:net';
import { netModule as net } from './builtin-modules.js';
import type { GuardContext } from './egress-denial.js';
import { logSafeDestination } from './egress-denial.js';
import { parseIpAddress } from './ip-address.js';

type ConnectArgs = unknown[];
type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

interface LookupTarget {
  host: string;
  port: number;
  context: GuardContext;
}

interface ConnectRequest {
  options: Record<string, unknown>;
  callback: unknown;
}

/**
 * Replaces `net.Socket.prototype.connect`, the one method through which every TCP and TLS
 * socket of the process opens (`net.connect`, `tls.connect`, `http`, `https`, `http2`,
 * undici and fetch, database drivers). The check is made on a private copy of the options,
 * and that copy is what connects: what was checked is what is used.
 */
export function guardSockets(context: GuardContext, systemLookup: typeof lookup): void {
  // Kept unbound on purpose: it is only ever called with `.call(socket, …)`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalConnect = net.Socket.prototype.connect as (...args: unknown[]) => Socket;

  function guardedConnect(this: Socket, ...args: ConnectArgs): Socket {
    const request = readConnectArgs(args);
    const problem = checkAndPrepare(request.options, { context, systemLookup });
    const options = problem === undefined ? request.options : refusedConnect(problem);
    return originalConnect.call(this, options, request.callback);
  }
  net.Socket.prototype.connect = guardedConnect;
}

/**
 * Options whose connect fails the way a failed lookup does, so every client (http's agent,
 * undici, drivers) handles the refusal on its usual path, after it has attached its
 * listeners. The name is never resolved: the lookup answers the refusal itself.
 */
function refusedConnect(refusal: Error): Record<string, unknown> {
  return {
    host: 'egress-refused.invalid',
    port: 1,
    lookup: (_name: string, _options: unknown, callback: (error: Error) => void) => {
      process.nextTick(callback, refusal);
    },
  };
}

/**
 * Reads the argument forms `connect` takes: `(options, cb)`, `(port, host, cb)`,
 * `(path, cb)`, and the pre-parsed `[options, cb]` array that `net.connect` passes on.
 */
function readConnectArgs(args: ConnectArgs): ConnectRequest {
  const list: unknown[] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const last = list.at(-1);
  const callback = typeof last === 'function' ? last : undefined;
  const head = list[0];

  if (typeof head === 'object' && head !== null) return { options: copyOptions(head), callback };
  if (typeof head === 'string' && !(Number(head) >= 0))
    return { options: { path: head }, callback };
  const options: Record<string, unknown> = { port: head };
  if (typeof list[1] === 'string') options.host = list[1];
  return { options, callback };
}

/** Own and inherited enumerable keys, each getter read once. */
function copyOptions(source: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in source) copy[key] = (source as Record<string, unknown>)[key];
  return copy;
}

/** Answers the refusal, or fixes host, port and lookup in `options` to what was checked. */
function checkAndPrepare(
  options: Record<string, unknown>,
  parts: { context: GuardContext; systemLookup: typeof lookup },
): Error | undefined {
  const { context } = parts;
  if (options.path) {
    return context.deny({ kind: 'connect', destination: 'local socket', reason: 'local_socket' });
  }

  const host = options.host === undefined || options.host === '' ? 'localhost' : options.host;
  const port = Number(options.port);
  const destination = logSafeDestination(host);
  if (typeof host !== 'string' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return context.deny({ kind: 'connect', destination, reason: 'bad_port' });
  }
  options.host = host;
  options.port = port;

  const nowMs = Date.now();
  const address = parseIpAddress(host);
  const decision =
    address === undefined
      ? context.policy().checkName(host, { port, nowMs })
      : context.policy().checkAddress(address, { port, nowMs });
  if (!decision.isAllowed) {
    return context.deny({ kind: 'connect', destination, port, reason: decision.reason });
  }

  if (address === undefined) options.lookup = checkedLookup({ host, port, ...parts });
  return undefined;
}

/**
 * The lookup a socket to a host name uses: the system resolver, then every address it gave
 * is checked before the socket may open to any of them. One forbidden address refuses the
 * whole connect, since a name that sometimes answers 169.254.169.254 is not to be trusted.
 */
function checkedLookup(target: LookupTarget & { systemLookup: typeof lookup }) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    target.systemLookup(target.host, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, []);
        return;
      }

      const refusal = firstRefusal(addresses, target);
      if (refusal !== undefined) callback(refusal, []);
      else if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
}

function firstRefusal(
  addresses: readonly LookupAddress[],
  target: LookupTarget,
): Error | undefined {
  const { host, port, context } = target;
  const nowMs = Date.now();
  for (const { address } of addresses) {
    const parsed = parseIpAddress(address);
    const decision =
      parsed === undefined
        ? ({ isAllowed: false, reason: 'no_rule' } as const)
        : context.policy().checkAddress(parsed, { port, hostName: host, nowMs });
    if (decision.isAllowed) continue;

    const destination = logSafeDestination(host);
    const resolvedAddress = logSafeDestination(address);
    return context.deny({
      kind: 'connect',
      destination,
      resolvedAddress,
      port,
      reason: decision.reason,
    });
  }
  return undefined;
}
