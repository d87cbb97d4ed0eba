import { BlockList, isIP } from 'node:net';

const LOOPBACK_ADDRESSES = new BlockList();
LOOPBACK_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK_ADDRESSES.addAddress('::1', 'ipv6');

/**
 * Why `host` may not count as loopback, or undefined when it does: an address in
 * 127.0.0.0/8, `::1`, or the name `localhost`. Any other name is refused without a DNS
 * lookup, because what a name resolves to at start-up says nothing about later.
 */
export function whyNotLoopback(host: string): string | undefined {
  const version = isIP(host);
  if (version !== 0) {
    const isLoopback = LOOPBACK_ADDRESSES.check(host, version === 4 ? 'ipv4' : 'ipv6');
    return isLoopback ? undefined : 'is not a loopback address';
  }

  if (host.toLowerCase() === 'localhost') return undefined;
  return (
    'is a host name, and Moat treats no name but localhost as loopback ' +
    '(it does not look names up)'
  );
}
