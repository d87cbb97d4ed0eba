import { countrySpecs, isValidIBAN } from 'ibantools';
import type { Detection, Detector } from '../detection.js';
import { HAS_DIGIT } from '../text-context.js';
import { scanCandidates } from '../scan-candidates.js';

/** A country code, two check digits, then letters and digits, optionally in groups. */
const IBAN_CANDIDATE = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){10,32}/gu;

/** Check digits that pass mod 97 for any account and so prove nothing. */
const ALIAS_CHECK_DIGITS: ReadonlySet<string> = new Set(['00', '01', '99']);

/**
 * IBANs in any case and grouping. The span is cut at the country's length before the
 * checksum runs, so words after the number never enter the check or the replacement.
 */
export class IbanDetector implements Detector {
  readonly name = 'iban';

  detect(text: string): Detection[] {
    if (!HAS_DIGIT.test(text)) return [];
    return scanCandidates(IBAN_CANDIDATE, text, ibanEnd).map((span) => ({
      className: 'IBAN_CODE',
      ...span,
      confidence: 0.95,
    }));
  }
}

function ibanEnd(candidate: string): number | undefined {
  const country = candidate.slice(0, 2).toUpperCase();
  const length = countrySpecs[country]?.chars;
  if (length === undefined || ALIAS_CHECK_DIGITS.has(candidate.slice(2, 4))) return undefined;

  let compact = '';
  let end = 0;
  while (end < candidate.length && compact.length < length) {
    const character = candidate[end] ?? '';
    if (character !== ' ') compact += character.toUpperCase();
    end++;
  }

  if (compact.length !== length || !isValidIBAN(compact)) return undefined;
  const next = candidate[end];
  // A valid IBAN glued to more letters or digits ("DE89…3000X") is some other identifier.
  if (next !== undefined && next !== ' ') return undefined;
  return end;
}
