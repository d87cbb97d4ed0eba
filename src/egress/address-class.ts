import {
  canonicalAddress,
  isInRange,
  parseIpRange,
  type IpAddress,
  type IpRange,
} from './ip-address.js';

/**
 * Addresses that mean "this host" rather than a destination: a connect to them reaches the
 * local machine. No rule can allow them; a rule must name the loopback address instead.
 */
const UNSPECIFIED_RANGES = ['0.0.0.0/8', '::/128'] as const;

/**
 * Addresses that are not on the public internet: loopback, private networks, link-local
 * (where cloud metadata services such as 169.254.169.254 live), carrier-grade NAT,
 * documentation and benchmarking blocks, multicast and reserved space, and the IPv6 prefixes
 * that carry IPv4 addresses through translators (NAT64, 6to4, Teredo). A host-name rule never
 * reaches these: only a rule naming the address or its range does, so a name that suddenly
 * resolves to one of them (DNS rebinding) is refused.
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
const NON_PUBLIC_RANGES = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::1/128',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
] as const;

const unspecified = UNSPECIFIED_RANGES.map(toRange);
const nonPublic = NON_PUBLIC_RANGES.map(toRange);

/** True for `0.0.0.0/8` and `::`, whatever the spelling. */
export function isUnspecifiedAddress(address: IpAddress): boolean {
  return unspecified.some((range) => isInRange(address, range));
}

/** True for an address that is routed on the public internet. */
export function isPublicAddress(address: IpAddress): boolean {
  const canonical = canonicalAddress(address);
  if (isUnspecifiedAddress(canonical)) return false;
  return !nonPublic.some((range) => isInRange(canonical, range));
}

function toRange(text: string): IpRange {
  const range = parseIpRange(text);
  if (range === undefined) throw new Error(`bad built-in range ${text}`);
  return range;
}
