import { parseIpRange, type IpRange } from './ip-address.js';

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
