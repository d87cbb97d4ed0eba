import type { Detection, Detector } from '../detection.js';
import { loadWordLists, type WordLists } from '../word-lists.js';
import { extendOverParts, LINE_LEAD, POSTCODE, UNIT_AFTER } from './address-parts.js';
import { cuedStreets } from './cued-address.js';
import { isAllLowercase, properNounView } from './lowercase-view.js';
import { hasUncommonWord, isStreetType, UNIT } from './street-words.js';
import { lowercaseStreetStart, streetAround } from './typed-street.js';
import { wordsOf, type Word } from './words.js';

const MILITARY =
  /\b(?:PSC|Unit|USNS|USS|USCGC)\s+[\p{L}\d]+(?:,?\s*Box\s+\d+)?,?\s*\n?\s*[AFD]PO\s+A[AEP]\s+\d{5}\b/giu;

/** "51709 Spinatsch 94 Apt. 615": a number, a name, a number, then a unit. */
const NUMBERED_WITH_UNIT =
  /(?<![\p{L}\p{N}])\d{1,6}\s+(?:[\p{Lu}][\p{L}\p{M}'.-]*\s+){1,4}\d{1,5}[a-z]?,?\s*\n?\s*(?:apt\.?|apartment|suite|unit)\s*[\d\p{L}-]{1,6}\b\.?/giu;

/**
 * "Kuuse 53\n Suite 12", "Terazije 5\nStan 88": a capitalised name and its number, which a
 * unit must follow (checked apart: the units of every language in one pattern would make it
 * too large for the fast regular-expression engine).
 */
const NAMED_WITH_UNIT = /(?<![\p{L}\p{N}])(?:[\p{Lu}][\p{L}\p{M}'.-]*[ \t]+){1,4}\d{1,5}[a-z]?/gu;

/**
 * "30497 Ibirapita 8057", "692 Kuuse 53": a building number, a street's name, its number.
 * A name between two numbers is written so only in addresses.
 */
const NUMBER_NAME_NUMBER =
  /(?<![\p{L}\p{N}.,:/-])\d{1,6}[ \t]+(?:[\p{Lu}][\p{L}\p{M}'-]+[ \t]+){1,3}\d{1,5}[a-z]?(?![\p{L}\p{N}]|[.,:/-]\d)/gu;

const STREET_WORD = String.raw`[\p{Lu}][\p{L}\p{M}'.-]*`;
const HOUSE_NUMBER = String.raw`\d{1,5}[a-zA-Z]?`;

/**
 * A street line without a street-type word ("Lindenhof 48", "12 Edeby") that a postcode and
 * a town follow, on the next line or after a comma: the way most of Europe writes an address.
 */
const STREET_THEN_POSTCODE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:(?:${STREET_WORD}[ \t]+){1,4}${HOUSE_NUMBER}` +
    String.raw`|${HOUSE_NUMBER}(?:[ \t]+${STREET_WORD}){1,4})(?:[ \t]*,?[ \t]*${UNIT})?` +
    String.raw`(?:[ \t]*,[ \t]*|[ \t]*\n${LINE_LEAD})${POSTCODE}[ \t]+[\p{Lu}][\p{L}\p{M}'-]+`,
  'gu',
);

/**
 * "27 7258 bechtelar knoll\n apt. 12": a line that opens with a house number, then a unit
 * after it or on the next line, in any case.
 */
const NUMBERED_LINE_THEN_UNIT = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\d{1,6}(?:[ \t]+\d{1,6})?(?:[ \t]+[\p{L}][\p{L}\p{M}'.-]*){1,4}` +
    String.raw`(?:,?[ \t]+\d{1,5}[a-zA-Z]?)?[ \t]*,?[ \t]*(?:\n${LINE_LEAD})?${UNIT}`,
  'gu',
);

/**
 * "Kalenićeva 583, Sombor", "Rosenhaven 68A, Grindsted": a street's name, its house number,
 * a comma and a capitalised town. Most of Europe writes a one-line address so; a title, a
 * product or a chapter with a number is seldom followed by a comma and a proper noun.
 */
const STREET_NUMBER_TOWN = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${STREET_WORD}[ \t]+){1,3}${HOUSE_NUMBER}` +
    String.raw`(?![\p{L}\p{N}])[ \t]*,[ \t]*[\p{Lu}][\p{L}\p{M}'-]+`,
  'gu',
);

const PATTERNS: readonly [RegExp, number][] = [
  [MILITARY, 0.9],
  [NUMBERED_WITH_UNIT, 0.9],
  [NAMED_WITH_UNIT, 0.85],
  [NUMBERED_LINE_THEN_UNIT, 0.85],
  [STREET_THEN_POSTCODE, 0.85],
  [STREET_NUMBER_TOWN, 0.8],
  [NUMBER_NAME_NUMBER, 0.75],
];

/**
 * Shapes that titles and references share ("Chapter 12, 2019 Edition") unless a name is in
 * them.
 */
const NEEDS_PROPER_NOUN: ReadonlySet<RegExp> = new Set([
  STREET_THEN_POSTCODE,
  STREET_NUMBER_TOWN,
  NUMBER_NAME_NUMBER,
  NAMED_WITH_UNIT,
  NUMBERED_LINE_THEN_UNIT,
]);

/** "Suite 913 0547 Bygget 91": a unit written before its street. */
const UNIT_LEADING =
  /(?<![\p{L}\p{N}])(?:apt\.?|apartment|suite|unit)(?:\s*\d[\d\p{L}-]{0,5})?[ \t]+$/iu;
const CORNER_BEFORE = /(?:the\s+)?corner\s+of\s+$/iu;

/**
 * Street addresses, found in process: a street-type word ("Street", "Rue", "vej", "ul.")
 * with the street's name and a house number, or a numbered street followed by a unit
 * ("Apt. 4"); then the lines or comma parts that follow (town, region, postcode, country).
 * Military addresses have a pattern of their own, and "the corner of A and B" is one
 * address.
 */
export class AddressDetector implements Detector {
  readonly name = 'address';
  readonly classNames = ['STREET_ADDRESS'] as const;

  async detect(original: string): Promise<Detection[]> {
    const lists = await loadWordLists();
    const text = isAllLowercase(original) ? properNounView(original, lists) : original;
    const found: Detection[] = [];
    const words = wordsOf(text);

    for (let index = 0; index < words.length; index++) {
      const word = words[index] as Word;
      const isLowercaseStreet = lowercaseStreetStart(text, { words, index }, lists) !== undefined;
      if (!isStreetType(word, text, lists) && !isLowercaseStreet) continue;
      const street = streetAround(text, { words, index }, lists);
      if (street !== undefined) found.push(street);
    }
    for (const [pattern, confidence] of PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        if (NEEDS_PROPER_NOUN.has(pattern) && !hasUncommonWord(match[0], lists)) continue;
        if (pattern === STREET_NUMBER_TOWN && !isStreetBeforeTown(match[0], lists)) continue;
        const matchEnd = match.index + match[0].length;
        if (pattern === NAMED_WITH_UNIT && !UNIT_AFTER.test(text.slice(matchEnd, matchEnd + 40))) {
          continue;
        }
        const end = extendOverParts(text, matchEnd, lists);
        found.push(addressAt(match.index, end, confidence));
      }
    }
    for (const street of cuedStreets(text, lists)) {
      const end = extendOverParts(text, street.end, lists);
      found.push(addressAt(street.start, end, cuedConfidence(text.slice(street.start, end))));
    }
    return joinCorners(
      text,
      found.map((street) => withUnitBefore(text, street)),
    );
  }
}

/**
 * "lives at 9816 214 Mirela Brandt": a building number and a house number before a name make
 * a street named after a person, and the street should win over the person found inside it.
 * One number alone ("is at 10 Mirela Brandt's") may be a time, so it stays less sure.
 */
function cuedConfidence(street: string): number {
  return /^\d{1,6}[ \t]+\d{1,6}[a-zA-Z]?[ \t]+\p{L}/u.test(street) ? 0.9 : 0.75;
}

/**
 * The words before the number name a street: a proper noun or a known name, not only
 * everyday English ("During 1971, Quorvex invested").
 */
function isStreetBeforeTown(candidate: string, lists: WordLists): boolean {
  const street = candidate.slice(0, candidate.search(/\d/u));
  const isKnownName = (word: Word): boolean =>
    lists.firstNames.has(word.text.toLowerCase()) || lists.lastNames.has(word.text.toLowerCase());
  return hasUncommonWord(street, lists) || wordsOf(street).some(isKnownName);
}

/** "the corner of A and B": one address from "the corner" to the end of B. */
function joinCorners(text: string, found: Detection[]): Detection[] {
  const sorted = [...found].sort((a, b) => a.start - b.start);
  const joined: Detection[] = [];
  for (const street of sorted) {
    const previous = joined.at(-1);
    const gap = previous === undefined ? '' : text.slice(previous.end, street.start);
    const corner =
      previous && CORNER_BEFORE.exec(text.slice(Math.max(0, previous.start - 20), previous.start));
    if (previous !== undefined && corner && /^\s+and\s+$/iu.test(gap)) {
      previous.start -= corner[0].length;
      previous.end = street.end;
      continue;
    }
    joined.push({ ...street });
  }
  return joined;
}

function withUnitBefore(text: string, street: Detection): Detection {
  const unit = UNIT_LEADING.exec(text.slice(Math.max(0, street.start - 20), street.start));
  return unit === null ? street : { ...street, start: street.start - unit[0].length };
}

function addressAt(start: number, end: number, confidence: number): Detection {
  return { className: 'STREET_ADDRESS', start, end, confidence };
}
