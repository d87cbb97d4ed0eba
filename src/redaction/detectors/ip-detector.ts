import { isIPv6 } from 'node:net';
import type { Detection, Detector } from '../detection.js';
import { HAS_DIGIT } from '../text-context.js';

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = new RegExp(
  String.raw`(?<![\p{N}.])${OCTET}(?:\.${OCTET}){3}(?![\p{N}]|\.\p{N})`,
  'gu',
);
const IPV6_CANDIDATE =
  /(?<![\p{L}\p{N}:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![\p{L}\p{N}:])/giu;

/** IPv4 addresses with valid octets, and IPv6 addresses as Node's own parser accepts them. */
export class IpDetector implements Detector {
  readonly name = 'ip';
  readonly classNames = ['IP_ADDRESS'] as const;

  detect(text: string): Detection[] {
    if (!HAS_DIGIT.test(text)) return [];
    const found: Detection[] = [];
    for (const match of text.matchAll(IPV4)) {
      found.push(ipAt(match.index, match[0]));
    }
    if (!text.includes(':')) return found;

    for (const match of text.matchAll(IPV6_CANDIDATE)) {
      if (/[0-9a-f]/iu.test(match[0]) && isIPv6(match[0])) found.push(ipAt(match.index, match[0]));
    }
    return found;
  }
}

function ipAt(start: number, value: string): Detection {
  return { className: 'IP_ADDRESS', start, end: start + value.length, confidence: 0.9 };
}
