import { dgramModule as dgram } from './builtin-modules.js';
import type { Socket as DgramSocket } from 'node:dgram';
import type { GuardContext } from './egress-denial.js';
import { normalizeHostName } from './destination.js';
import { logSafeDestination } from './egress-denial.js';
import { parseIpAddress } from './ip-address.js';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Refuses every UDP send and connect. Moat has no use for UDP, and a datagram to any
 * address is as good a way out as a TCP connection; rules allow TCP ports only.
 */
export function guardUdp(context: GuardContext): void {
  const prototype = dgram.Socket.prototype as unknown as Record<string, unknown>;

  for (const method of ['send', 'connect'] as const) {
    prototype[method] = function refusedUdp(this: DgramSocket, ...args: unknown[]): void {
      const refusal = context.deny({ kind: 'udp', destination: udpTarget(args), reason: 'udp' });

      const callback = args.findLast((arg) => typeof arg === 'function') as AnyFunction | undefined;
      if (callback !== undefined) process.nextTick(callback, refusal);
      else process.nextTick(() => this.emit('error', refusal));
    };
  }
}

/**
 * The address argument of `send(msg, …, port, address)` or `connect(port, address)`. The
 * first argument of `send` is the datagram itself, so it is never looked at, and a string
 * that is neither an address nor a host name is not reported.
 */
function udpTarget(args: readonly unknown[]): string {
  const candidates = args.slice(1).filter((arg): arg is string => typeof arg === 'string');
  const target = candidates.find(
    (text) => parseIpAddress(text) !== undefined || normalizeHostName(text) !== undefined,
  );
  return target === undefined ? 'unnamed' : logSafeDestination(target);
}
