import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Detection, Detector } from '../detection.js';
import { scanCandidates } from '../scan-candidates.js';
import { digitsOf, hasContextBefore, HAS_DIGIT } from '../text-context.js';
import { NationalNumberFilter } from './national-number-filter.js';
import { SurePhoneNumbers } from './sure-phone-numbers.js';

/** Digits with the usual separators, optionally after `+` or `00`; 7 to 15 digits are checked. */
const PHONE_CANDIDATE =
  /(?<![\p{L}\p{N}+_./-])(?:\+|00)?\(?\d[\d\s()./-]{5,22}\d(?![\p{N}]|[.-]\d)/gu;

/** Shapes that belong to other things: SSNs (3-2-4) and dates. */
const NOT_PHONE = /^\d{3}-\d{2}-\d{4}$|^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/u;

/**
 * A national number valid only in a fallback region, with no phone word before it, is as
 * likely a house number and postcode ("17151 2450"); it stays below the default threshold.
 */
function confidenceFor(facts: { isBare: boolean; hasContext: boolean; isHome: boolean }) {
  if (facts.isBare) return 0.7;
  return facts.isHome || facts.hasContext ? 0.9 : 0.45;
}

/** Numbers in the North American layout are phone numbers wherever they are valid. */
const SHAPED_CONFIDENCE = 0.6;

const PHONE_CONTEXT = [
  'phone',
  'call',
  'tel',
  'mobile',
  'cell',
  'fax',
  'whatsapp',
  'sms',
  'ring',
  'number',
  'appel',
  'anruf',
  'handy',
  'llam',
  'móvil',
  'numéro',
  'nummer',
  'numero',
  'reach',
  'contact',
  'messages',
  'text me',
  'answering',
  'dial',
];

/**
 * Written like a phone number: three or more groups of 2 to 4 digits (the first may be in
 * brackets or after `+`), 8 to 13 digits in all. Labels and people call such numbers phone
 * numbers even when no numbering plan holds them; with a phone word before, they count.
 */
const PHONE_SHAPE = /^(?:\+|00)?\(?\d{1,4}\)?(?:[ .-]\d{2,4}){2,5}$/u;

function looksLikePhone(candidate: string): boolean {
  const digitCount = digitsOf(candidate).length;
  return digitCount >= 8 && digitCount <= 13 && PHONE_SHAPE.test(candidate);
}

/**
 * The North American layout, 3-3-4 digits joined by dashes or dots, or with the area code in
 * brackets, optionally after its country code `+1`: nothing else is written so, so it counts
 * without a phone word even when the area code or exchange is not in service.
 */
const NORTH_AMERICAN_SHAPE =
  /^(?:\+?1[ .-]?)?(?:\d{3}([-.])\d{3}\1\d{4}|\(\d{3}\) ?\d{3}[-. ]\d{4})$/u;

/** A number that is not valid anywhere still counts when shaped like one and announced. */
function shapedRegion(candidate: string, hasContext: () => boolean): string | undefined {
  if (NORTH_AMERICAN_SHAPE.test(candidate)) return 'unknown';
  return looksLikePhone(candidate) && hasContext() ? 'unknown' : undefined;
}

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
  readonly classNames = ['PHONE_NUMBER'] as const;
  readonly #regions: readonly CountryCode[];
  readonly #filters: readonly NationalNumberFilter[];
  readonly #sure = new SurePhoneNumbers();

  constructor(options: PhoneDetectorOptions) {
    this.#regions = [options.defaultRegion, ...options.fallbackRegions];
    this.#filters = this.#regions.map((region) => new NationalNumberFilter(region));
  }

  detect(text: string): Detection[] {
    if (!HAS_DIGIT.test(text)) return [];
    const found: Detection[] = [];
    // Documents repeat numbers (a signature, a hotline); each is validated once per scan.
    const regions = new Map<string, string | undefined>();
    scanCandidates(PHONE_CANDIDATE, text, (candidate, start) => {
      const trimmed = candidate.replace(/[\s(/.-]+$/u, '');
      if (NOT_PHONE.test(trimmed)) return undefined;
      const isBare = /^\d+$/u.test(trimmed);
      // Looked for once, and only when the answer matters.
      let context: boolean | undefined;
      const hasContext = () => (context ??= hasContextBefore(text, start, PHONE_CONTEXT));
      // A bare run of digits is an id or a timestamp unless a phone word says otherwise.
      if (isBare && !hasContext()) return undefined;
      if (!regions.has(trimmed)) regions.set(trimmed, this.#validRegion(trimmed));
      const region = regions.get(trimmed) ?? shapedRegion(trimmed, hasContext);
      if (region === undefined) return undefined;

      found.push({
        className: 'PHONE_NUMBER',
        start,
        end: start + trimmed.length,
        confidence: Math.max(
          confidenceFor({
            isBare,
            hasContext: hasContext(),
            isHome: this.#isHome(trimmed, region),
          }),
          NORTH_AMERICAN_SHAPE.test(trimmed) ? SHAPED_CONFIDENCE : 0,
        ),
        region,
      });
      return trimmed.length;
    });
    return found;
  }

  /** Written with its country code, or valid in the default region. */
  #isHome(candidate: string, region: string): boolean {
    return /^(?:\+|00)/u.test(candidate) || region === this.#regions[0];
  }

  #validRegion(candidate: string): string | undefined {
    const digits = digitsOf(candidate);
    if (digits.length < 7 || digits.length > 15) return undefined;
    const international = /^(?:\+|00)/u.test(candidate);

    if (international) {
      const sure = this.#sure.international(digits.replace(/^00/u, ''));
      if (sure !== undefined) return sure;
      const number = parsePhoneNumberFromString(candidate.replace(/^00/u, '+'));
      return number?.isValid() === true ? (number.country ?? 'international') : undefined;
    }
    // Parsing costs tens of microseconds per region; most digit runs are ruled out without
    // it, and most real numbers are found valid without it.
    for (const [index, region] of this.#regions.entries()) {
      if (this.#filters[index]?.mayBeValid(digits) === false) continue;
      const sure = this.#sure.national(digits, region);
      if (sure !== undefined) return sure;
      const number = parsePhoneNumberFromString(candidate, region);
      if (number?.isValid() === true) return number.country ?? region;
    }
    return undefined;
  }
}
