import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Detection, Detector } from '../detection.js';
import { scanCandidates } from '../scan-candidates.js';
import { digitsOf, hasContextBefore } from '../text-context.js';

/** Digits with the usual separators, optionally after `+` or `00`; 7 to 15 digits are checked. */
const PHONE_CANDIDATE =
  /(?<![\p{L}\p{N}+_./-])(?:\+|00)?\(?\d[\d\s()./-]{5,22}\d(?![\p{N}]|[.-]\d)/gu;

/** Shapes that belong to other things: SSNs (3-2-4) and dates. */
const NOT_PHONE = /^\d{3}-\d{2}-\d{4}$|^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/u;

const PHONE_CONTEXT = ['phone', 'call', 'tel', 'mobile', 'cell', 'fax', 'whatsapp', 'sms', 'ring'];

export interface PhoneDetectorOptions {
  /** Region for numbers written without `+`, tried first. */
  defaultRegion: CountryCode;
  /** Further regions tried in order when a national number is not valid in the default one. */
  fallbackRegions: readonly CountryCode[];
}

/**
 * Phone numbers, validated by libphonenumber's metadata. A bare run of digits (an id, a
 * timestamp) counts only with a phone word before it; a formatted number needs none.
 */
export class PhoneDetector implements Detector {
  readonly name = 'phone';
  readonly #regions: readonly CountryCode[];

  constructor(options: PhoneDetectorOptions) {
    this.#regions = [options.defaultRegion, ...options.fallbackRegions];
  }

  detect(text: string): Detection[] {
    const found: Detection[] = [];
    // Documents repeat numbers (a signature, a hotline); each is validated once per scan.
    const regions = new Map<string, string | undefined>();
    scanCandidates(PHONE_CANDIDATE, text, (candidate, start) => {
      const trimmed = candidate.replace(/[\s(/.-]+$/u, '');
      if (NOT_PHONE.test(trimmed)) return undefined;
      if (!regions.has(trimmed)) regions.set(trimmed, this.#validRegion(trimmed));
      const region = regions.get(trimmed);
      if (region === undefined) return undefined;
      const isBare = /^\d+$/u.test(trimmed);
      if (isBare && !hasContextBefore(text, start, PHONE_CONTEXT)) return undefined;

      found.push({
        className: 'PHONE_NUMBER',
        start,
        end: start + trimmed.length,
        confidence: isBare ? 0.7 : 0.9,
        region,
      });
      return trimmed.length;
    });
    return found;
  }

  #validRegion(candidate: string): string | undefined {
    const digitCount = digitsOf(candidate).length;
    if (digitCount < 7 || digitCount > 15) return undefined;
    const international = /^(?:\+|00)/u.test(candidate);

    if (international) {
      const number = parsePhoneNumberFromString(candidate.replace(/^00/u, '+'));
      return number?.isValid() === true ? (number.country ?? 'international') : undefined;
    }
    for (const region of this.#regions) {
      const number = parsePhoneNumberFromString(candidate, region);
      if (number?.isValid() === true) return number.country ?? region;
    }
    return undefined;
  }
}
