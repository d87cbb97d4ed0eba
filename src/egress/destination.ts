import { isUnspecifiedAddress } from './address-class.js';
import { canonicalRangeBase, parseIpRange, type IpRange } from './ip-address.js';

/** What a rule's `destination` names: one host name, or an address or range of addresses. */
export type Destination = { kind: 'name'; name: string } | { kind: 'range'; range: IpRange };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** The last label starts with a letter, so no spelling of a number (`0x7f`, `017`) is a name. */
const LAST_LABEL = /^[a-z][a-z0-9-]*$/;
const MAX_NAME_LENGTH = 253;

/**
 * Parses a rule's destination: an IP address, a CIDR range, or a DNS host name. Anything else
 * (a URL, a port, userinfo, a wildcard, a numeric spelling of an address) is undefined.
 */
export function parseDestination(text: string): Destination | undefined {
  const range = parseIpRange(text);
  if (range !== undefined) return { kind: 'range', range };

  const name = normalizeHostName(text);
  return name === undefined ? undefined : { kind: 'name', name };
}

/**
 * The shortest prefix a rule's range may have, per family. A wider range is not a
 * destination but most of the internet, and with it loopback, private networks and the
 * metadata service at 169.254.169.254; `0.0.0.0/0` and `::/0` are the usual mistakes.
 */
export const MIN_PREFIX_LENGTH = { 4: 8, 6: 16 } as const;

/** `0.0.0.0/8` and `::/128`: a range this long starting there holds nothing else. */
const UNSPECIFIED_PREFIX_LENGTH = { 4: 8, 6: 128 } as const;

/** Why a rule's destination cannot be accepted, or undefined when it names a destination. */
export function whyDestinationIsRefused(text: string): string | undefined {
  const destination = parseDestination(text);
  if (destination === undefined) {
    return 'use a host name, an IP address or a CIDR range (no scheme, port or path)';
  }
  if (destination.kind === 'name') return undefined;

  const { base, prefixLength } = canonicalRangeBase(destination.range);
  const minimum = MIN_PREFIX_LENGTH[base.family];
  if (prefixLength < minimum) {
    return (
      `covers too many addresses: a range needs a prefix of /${minimum} or longer for ` +
      `IPv${base.family}; name the address, or the smallest range that holds the destination`
    );
  }
  const isAllUnspecified = prefixLength >= UNSPECIFIED_PREFIX_LENGTH[base.family];
  if (isUnspecifiedAddress(base) && isAllUnspecified) {
    return (
      'is an unspecified address ("this host"), which no rule can allow; name the address ' +
      'Moat should reach instead, such as 127.0.0.1 or ::1 for a server on this machine'
    );
  }
  return undefined;
}

/**
 * The comparable form of a host name, or undefined when it is not a plain DNS name: lower
 * case, one trailing dot dropped. Characters such as `@`, `#`, `/`, `%`, `[`, `:` or spaces,
 * which URL tricks smuggle into a host field, make it undefined.
 */
export function normalizeHostName(text: string): string | undefined {
  const name = text.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;

  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  return LAST_LABEL.test(labels.at(-1) ?? '') ? name : undefined;
}
