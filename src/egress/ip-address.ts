import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** A block of addresses: the first `prefixLength` bits of `base` are fixed. */
export interface IpRange {
  base: IpAddress;
  prefixLength: number;
}

const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

/**
 * Parses a strict IP literal: dotted-quad IPv4 with four decimal parts, or IPv6 (a zone
 * such as `%eth0` is dropped). Decimal, octal and hex spellings like `2130706433` or
 * `0x7f.1` are not literals here: they are names, and a name is only reached through a
 * lookup, whose answer the guard checks.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: 4, bytes: Uint8Array.from(text.split('.').map(Number)) };

  const withoutZone = text.split('%')[0] ?? '';
  if (!isIPv6(withoutZone)) return undefined;
  return { family: 6, bytes: ipv6Bytes(withoutZone) };
}

/**
 * The address a socket really reaches: an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible
 * (`::a.b.c.d`) IPv6 address is the IPv4 address inside it, so it matches IPv4 rules and
 * ranges. `::` and `::1` stay IPv6.
 */
export function canonicalAddress(address: IpAddress): IpAddress {
  if (address.family === 4) return address;

  const head = address.bytes.subarray(0, 12);
  const isMapped = IPV4_MAPPED_PREFIX.every((byte, index) => head[index] === byte);
  const isCompatible = head.every((byte) => byte === 0) && !isFirstOrLoopback(address.bytes);
  if (!isMapped && !isCompatible) return address;
  return { family: 4, bytes: address.bytes.slice(12) };
}

/** Parses `10.0.0.0/8`, `fd12:3456::/32` or a single address (a full-length range). */
export function parseIpRange(text: string): IpRange | undefined {
  const [addressText = '', prefixText, extra] = text.split('/');
  if (extra !== undefined || addressText.includes('%')) return undefined;

  const base = parseIpAddress(addressText);
  if (base === undefined) return undefined;
  const maxLength = base.bytes.length * 8;
  if (prefixText === undefined) return { base, prefixLength: maxLength };

  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  return prefixLength <= maxLength ? { base, prefixLength } : undefined;
}

/** True when `address` (taken canonically) lies inside `range`. */
export function isInRange(address: IpAddress, range: IpRange): boolean {
  const canonical = canonicalAddress(address);
  const base = canonicalRangeBase(range);
  if (canonical.family !== base.base.family) return false;
  return hasSamePrefix(canonical.bytes, base.base.bytes, base.prefixLength);
}

/** Text form: dotted quad, or full lowercase IPv6 groups joined by `:` without shortening. */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return [...address.bytes].join('.');
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push(
      (((address.bytes[index] ?? 0) << 8) | (address.bytes[index + 1] ?? 0)).toString(16),
    );
  }
  return groups.join(':');
}

/**
 * The range in firewall form: a range inside `::ffff:0:0/96` becomes its IPv4 range, and the
 * bits past the prefix are cleared, as `nft` and `iptables` expect (`10.0.0.0/8`).
 */
export function formatIpRange(range: IpRange): string {
  const { base, prefixLength } = canonicalRangeBase(range);
  const bytes = base.bytes.map((byte, index) => {
    const keptBits = Math.min(8, Math.max(0, prefixLength - index * 8));
    return byte & ((0xff << (8 - keptBits)) & 0xff);
  });
  const text = formatIpAddress({ family: base.family, bytes });
  return prefixLength === bytes.length * 8 ? text : `${text}/${prefixLength}`;
}

/** The IP family a range belongs to once IPv4-mapped ranges are taken as IPv4. */
export function rangeFamily(range: IpRange): 4 | 6 {
  return canonicalRangeBase(range).base.family;
}

/** A range over `::ffff:0:0/96` or its subranges is the same range of IPv4 addresses. */
export function canonicalRangeBase(range: IpRange): IpRange {
  const canonical = canonicalAddress(range.base);
  if (canonical === range.base || range.prefixLength < 96) return range;
  return { base: canonical, prefixLength: range.prefixLength - 96 };
}

function hasSamePrefix(left: Uint8Array, right: Uint8Array, prefixLength: number): boolean {
  const wholeBytes = Math.floor(prefixLength / 8);
  for (let index = 0; index < wholeBytes; index += 1) {
    if (left[index] !== right[index]) return false;
  }

  const remainingBits = prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((left[wholeBytes] ?? 0) & mask) === ((right[wholeBytes] ?? 0) & mask);
}

/** `::` and `::1`, which look IPv4-compatible but are IPv6's own unspecified and loopback. */
function isFirstOrLoopback(bytes: Uint8Array): boolean {
  return bytes.subarray(12, 15).every((byte) => byte === 0) && (bytes[15] ?? 0) <= 1;
}

/** Expands a valid IPv6 literal (already checked by `isIPv6`), with an IPv4 tail if any. */
function ipv6Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const hasIpv4Tail = tail.includes('.');
  const groupsText = hasIpv4Tail ? `${text.slice(0, lastColon + 1)}0:0` : text;

  const [headText = '', rest] = groupsText.split('::');
  const head = headText === '' ? [] : headText.split(':');
  const tailGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...head, ...Array<string>(8 - head.length - tailGroups.length).fill('0')];
  groups.push(...tailGroups);

  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (hasIpv4Tail) bytes.set(tail.split('.').map(Number), 12);
  return bytes;
}
