import { countrySpecs, isValidIBAN } from 'ibantools';
import type { Detection, Detector } from '../detection.js';
import { HAS_DIGIT } from '../text-context.js';
import { scanCandidates } from '../scan-candidates.js';

/**
 * A country code, two check digits, then letters and digits, optionally in groups. What
 * precedes it is checked afterwards: a lookbehind here would be tried at every position.
 */
const IBAN_CANDIDATE = /[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){10,32}/gu;

/** Check digits that pass mod 97 for any account and so prove nothing. */
const ALIAS_CHECK_DIGITS: ReadonlySet<string> = new Set(['00', '01', '99']);

/**
 * IBANs in any case and grouping. The span is cut at the country's length before the
 * checksum runs, so words after the number never enter the check or the replacement.
 */
export class IbanDetector implements Detector {
  readonly name = 'iban';
  readonly classNames = ['IBAN_CODE'] as const;

  detect(text: string): Detection[] {
    if (!HAS_DIGIT.test(text)) return [];
    // Documents repeat account numbers; each is checked once per scan.
    const checked = new Map<string, boolean>();
    const measure = (candidate: string, start: number) =>
      /[\p{L}\p{N}]/u.test(text[start - 1] ?? '') ? undefined : ibanEnd(candidate, checked);
    return scanCandidates(IBAN_CANDIDATE, text, measure).map((span) => ({
      className: 'IBAN_CODE',
      ...span,
      confidence: 0.95,
    }));
  }
}

function ibanEnd(candidate: string, checked: Map<string, boolean>): number | undefined {
  const country = candidate.slice(0, 2).toUpperCase();
  const length = countrySpecs[country]?.chars;
  if (length === undefined || ALIAS_CHECK_DIGITS.has(candidate.slice(2, 4))) return undefined;

  const end = endAfterCharacters(candidate, length);
  if (end === undefined) return undefined;
  const next = candidate[end];
  // A valid IBAN glued to more letters or digits ("DE89…3000X") is some other identifier.
  if (next !== undefined && next !== ' ') return undefined;

  const compact = candidate.slice(0, end).replaceAll(' ', '').toUpperCase();
  if (!checked.has(compact)) checked.set(compact, isValidIBAN(compact));
  return checked.get(compact) === true ? end : undefined;
}

/** Where the `count`th character that is not a space ends, if there are that many. */
function endAfterCharacters(candidate: string, count: number): number | undefined {
  let seen = 0;
  for (let index = 0; index < candidate.length; index++) {
    if (candidate.charCodeAt(index) !== SPACE) seen++;
    if (seen === count) return index + 1;
  }
  return undefined;
}

const SPACE = 0x20;
