import { passesLuhn } from '../checksums.js';
import type { Detection, Detector } from '../detection.js';
import { scanCandidates } from '../scan-candidates.js';
import { digitsOf, hasContextBefore, HAS_DIGIT } from '../text-context.js';

/** Issuer ranges (prefix bounds, compared on the first six digits) and their lengths. */
const CARD_RANGES: readonly { from: number; to: number; lengths: readonly number[] }[] = [
  { from: 400000, to: 499999, lengths: [13, 16, 19] },
  { from: 510000, to: 559999, lengths: [16] },
  { from: 222100, to: 272099, lengths: [16] },
  { from: 340000, to: 349999, lengths: [15] },
  { from: 370000, to: 379999, lengths: [15] },
  { from: 300000, to: 305999, lengths: [14, 15, 16, 17, 18, 19] },
  { from: 360000, to: 369999, lengths: [14, 15, 16, 17, 18, 19] },
  { from: 380000, to: 399999, lengths: [14, 15, 16, 17, 18, 19] },
  // JCB: 3528-3589 today; 35xx, 2131 and 1800 (15 digits) were issued earlier and still occur.
  { from: 350000, to: 359999, lengths: [16, 17, 18, 19] },
  { from: 213100, to: 213199, lengths: [15] },
  { from: 180000, to: 180099, lengths: [15] },
  { from: 601100, to: 601199, lengths: [16, 17, 18, 19] },
  { from: 644000, to: 659999, lengths: [16, 17, 18, 19] },
  { from: 620000, to: 629999, lengths: [16, 17, 18, 19] },
  { from: 500000, to: 509999, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { from: 560000, to: 699999, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { from: 220000, to: 220499, lengths: [16, 17, 18, 19] },
];

/**
 * 12 to 19 digits, optionally grouped by up to three spaces, or by a dash, dot or slash with a
 * space either side or none (as forms, PDFs and people write them), not inside a longer
 * number nor glued to letters before it (the digits of an IBAN or another identifier).
 */
const CARD_CANDIDATE =
  /(?<![\p{L}\p{N}.,-])\d(?:(?: {1,3}| ?[-./] ?)?\d){11,18}(?![\p{N}]|[.,]\d)/gu;

/** Words right before a number that say it is a card's. */
const CARD_CONTEXT = ['card', 'visa', 'mastercard', 'amex', 'maestro', 'discover', 'cc#'];

/**
 * Payment card numbers: every current issuer range and length, with the Luhn check. After a
 * card word, a number outside the table that passes Luhn counts too: issuers' ranges change
 * faster than any table of them, and a leaked card is worse than a masked number.
 */
export class CardDetector implements Detector {
  readonly name = 'card';
  readonly classNames = ['CREDIT_CARD'] as const;

  detect(text: string): Detection[] {
    if (!HAS_DIGIT.test(text)) return [];
    const found: Detection[] = [];
    scanCandidates(CARD_CANDIDATE, text, (candidate, start) => {
      const lengths = issuedLengths(candidate);
      const issued =
        lengths.length === 0
          ? undefined
          : longestCardEnd(candidate, (digits) => isIssuedNumber(digits, lengths));
      if (issued !== undefined) {
        found.push(cardAt(start, issued, 0.95));
        return issued;
      }
      if (!hasContextBefore(text, start, CARD_CONTEXT)) return undefined;
      const announced = longestCardEnd(candidate, isLuhnNumber);
      if (announced !== undefined) found.push(cardAt(start, announced, 0.9));
      return announced;
    });
    return found;
  }
}

function cardAt(start: number, length: number, confidence: number): Detection {
  return { className: 'CREDIT_CARD', start, end: start + length, confidence };
}

function isLuhnNumber(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && passesLuhn(digits);
}

/**
 * The end of the longest card number at the start of `candidate`, trying shorter prefixes
 * at group boundaries: a card followed by another number ("… 3448 2027") is still found.
 * The digits are read once; a text of single spaced digits makes every digit a candidate.
 */
function longestCardEnd(
  candidate: string,
  isCard: (digits: string) => boolean,
): number | undefined {
  const digits = digitsOf(candidate);
  let digitCount = digits.length;
  for (let end = candidate.length; end >= 12; end--) {
    const character = candidate[end - 1] ?? '';
    const isBoundary =
      end === candidate.length ||
      (!GROUP_SEPARATORS.has(character) && GROUP_SEPARATORS.has(candidate[end] ?? ''));
    if (isBoundary && digitCount >= 12 && isCard(digits.slice(0, digitCount))) return end;
    if (!GROUP_SEPARATORS.has(character)) digitCount--;
  }
  return undefined;
}

const GROUP_SEPARATORS: ReadonlySet<string> = new Set([' ', '-', '.', '/']);

/** The lengths issued in the range a candidate's first six digits fall in; often none. */
function issuedLengths(candidate: string): readonly number[] {
  const prefix = Number(digitsOf(candidate.slice(0, 24)).slice(0, 6));
  const lengths = new Set<number>();
  for (const range of CARD_RANGES) {
    if (prefix >= range.from && prefix <= range.to)
      for (const length of range.lengths) lengths.add(length);
  }
  return [...lengths];
}

function isIssuedNumber(digits: string, lengths: readonly number[]): boolean {
  return lengths.includes(digits.length) && passesLuhn(digits);
}
