import type { Detection, Detector } from '../detection.js';
import { loadWordLists, type WordLists } from '../word-lists.js';
import { cuedStreets } from './cued-address.js';
import { isAllLowercase, properNounView } from './lowercase-view.js';
import {
  hasUncommonWord,
  isLeadingType,
  isStreetType,
  NAME_PARTICLES,
  namesStreetAlone,
  needsNameAfter,
  UNIT,
  UNIT_WORDS,
} from './street-words.js';
import { wordsOf, type Word } from './words.js';

const MILITARY =
  /\b(?:PSC|Unit|USNS|USS|USCGC)\s+[\p{L}\d]+(?:,?\s*Box\s+\d+)?,?\s*\n?\s*[AFD]PO\s+A[AEP]\s+\d{5}\b/giu;

/** "51709 Spinatsch 94 Apt. 615": a number, a name, a number, then a unit. */
const NUMBERED_WITH_UNIT =
  /(?<![\p{L}\p{N}])\d{1,6}\s+(?:[\p{Lu}][\p{L}\p{M}'.-]*\s+){1,4}\d{1,5}[a-z]?,?\s*\n?\s*(?:apt\.?|apartment|suite|unit)\s*[\d\p{L}-]{1,6}\b\.?/giu;

/** "Kuuse 53\n Suite 12", "Terazije 5\nStan 88": a capitalised name and its number, then a unit. */
const NAMED_WITH_UNIT = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:[\p{Lu}][\p{L}\p{M}'.-]*[ \t]+){1,4}\d{1,5}[a-z]?,?\s*\n?\s*${UNIT}`,
  'gu',
);

/**
 * "30497 Ibirapita 8057", "692 Kuuse 53": a building number, a street's name, its number.
 * A name between two numbers is written so only in addresses.
 */
const NUMBER_NAME_NUMBER =
  /(?<![\p{L}\p{N}.,:/-])\d{1,6}[ \t]+(?:[\p{Lu}][\p{L}\p{M}'-]+[ \t]+){1,3}\d{1,5}[a-z]?(?![\p{L}\p{N}]|[.,:/-]\d)/gu;

/**
 * What may open a line of an address block: spaces, a quote mark ("> "), or a bullet ("•",
 * "-", "*", and "?" where a bullet was lost to a wrong text encoding).
 */
const LINE_LEAD = String.raw`[\s>•·*?-]*`;

/** Postcodes as countries write them: 5 or 4 digits, "123 45", "00-950", "1000-001", "1011 AB". */
const POSTCODE = String.raw`(?:\d{3} \d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4} ?[A-Z]{2}|\d{4,5})`;
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

const NUMBER_BEFORE = /(?:\d{1,6}[a-z]?\s+){1,2}$/iu;
/**
 * "12 5th Avenue", "350 W 42nd St": a numbered street's ordinal, with a compass point before
 * it and the house number before that.
 */
const ORDINAL_STREET_BEFORE =
  /(?<![\p{L}\p{N}])(\d{1,6}[a-z]?[ \t]+)?(?:(?:[NSEW]|N[EW]|S[EW]|North|South|East|West)\.?[ \t]+)?\d{1,4}(?:st|nd|rd|th)[ \t]+$/u;
/**
 * "Oak Street 12", "Linneagata 9b", "Rutkowski 5/5", "Calle Mayor, 3", "Satria no 46", and
 * "s/n" where a Spanish street has no number.
 */
const NUMBER_AFTER =
  /^,?[ \t]+(?:(?:(?:no|nr|n[º°])\.?\s*)?\d{1,5}[a-z]?(?:\/\d{1,4}[a-z]?)?\b\.?|s\/n\b\.?)/iu;
const UNIT_AFTER = new RegExp(String.raw`^(?:,?${LINE_LEAD}${UNIT})+`, 'u');
/**
 * One more line or comma part of an address: a town, a region, a country (with its language
 * in brackets), a postcode. It may be in lowercase, as a whole address sometimes is;
 * `withoutProse` ends it where the sentence goes on.
 */
const CONTINUATION = new RegExp(
  String.raw`^(?:\s*,\s*|\s*\n${LINE_LEAD})(?:,\s*)?(?:[\p{L}\d][\p{L}\p{M}\d .'()-]{0,40}?)` +
    String.raw`(?=\s*(?:,|\n|$|[.?!](?:\s|$)))`,
  'u',
);
/** "Suite 913 0547 Bygget 91": a unit written before its street. */
const UNIT_LEADING =
  /(?<![\p{L}\p{N}])(?:apt\.?|apartment|suite|unit)(?:\s*\d[\d\p{L}-]{0,5})?[ \t]+$/iu;
/** "… Apt. 819 Rzeszów Poland": after a unit, the town and country on the same line. */
const UNIT_BEFORE = /(?:apt\.?|apartment|suite|unit)\s*[\d\p{L}-]{1,6}\.?$/iu;
const TOWN_AFTER_UNIT =
  /^[ \t]+[\p{Lu}][\p{L}\p{M}'-]*(?:[ \t]+[\p{Lu}][\p{L}\p{M}'-]*){0,3}(?:[ \t]+\d{4,5})?(?=[ \t]*(?:[,.?!;)]|\n|$))/u;
/** "…, 75002 Paris": a postcode ends the part, and the town follows it on the same line. */
const POSTCODE_BEFORE = new RegExp(String.raw`(?:^|[\s,])${POSTCODE}$`, 'u');
const CORNER_BEFORE = /(?:the\s+)?corner\s+of\s+$/iu;

const MAX_CONTINUATIONS = 6;

/**
 * Street addresses, found in process: a street-type word ("Street", "Rue", "vej", "ul.")
 * with the street's name and a house number, or a numbered street followed by a unit
 * ("Apt. 4"); then the lines or comma parts that follow (town, region, postcode, country).
 * Military addresses have a pattern of their own, and "the corner of A and B" is one
 * address.
 */
export class AddressDetector implements Detector {
  readonly name = 'address';

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
        const end = extendOverParts(text, match.index + match[0].length, lists);
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

function streetAround(
  text: string,
  { words, index }: { words: readonly Word[]; index: number },
  lists: WordLists,
): Detection | undefined {
  const anchor = words[index] as Word;
  const anchorEnd = text[anchor.end] === '.' ? anchor.end + 1 : anchor.end;
  let nameStart = namesBefore(text, { words, index }, lists);
  let nameEnd = anchorEnd;
  if (isLeadingType(anchor, text, lists)) {
    nameEnd = extendOverNames(text, words, index);
    if (needsNameAfter(anchor, text)) {
      if (nameEnd === anchorEnd) return undefined;
      nameStart = anchor.start;
    }
  }

  const before = numberBefore(text, { words, index, nameStart }, lists);
  const after = numberAfter(text, nameEnd);
  const hasNumber = before.hasNumber || after.hasNumber;
  // A street type alone ("Keys", "Avenue") says nothing; it needs a name or a number.
  if (!hasNumber && before.start === anchor.start && after.end === anchorEnd) return undefined;
  // Below the default floor unless "the corner of A and B" joins it to a surer street.
  const isPlain = namesStreetAlone(anchor, text, lists) && !before.isOrdinal;
  const confidence = hasNumber ? 0.9 : isPlain ? 0.55 : 0.45;
  return addressAt(before.start, extendOverParts(text, after.end, lists), confidence);
}

/** Where the street's name starts: up to three words before its type on the same line. */
function namesBefore(
  text: string,
  { words, index }: { words: readonly Word[]; index: number },
  lists: WordLists,
): number {
  const anchor = words[index] as Word;
  let start = anchor.start;
  for (let left = index - 1; left >= 0 && left >= index - 3; left--) {
    const word = words[left] as Word;
    if (!/^[ \t]+$/u.test(text.slice(word.end, start))) break;
    if (word.shape === 'lower' && !isNameBeforeLowercaseType(word, anchor, lists)) break;
    start = word.start;
  }
  return start;
}

/**
 * The house number before the street's name, or before a numbered street's ordinal ("12 5th
 * Avenue"). An ordinal with no house number ("the 3rd Road on the left") is a direction as
 * often as a street, so it is not sure enough alone.
 */
function numberBefore(
  text: string,
  { words, index, nameStart }: { words: readonly Word[]; index: number; nameStart: number },
  lists: WordLists,
): { start: number; hasNumber: boolean; isOrdinal: boolean } {
  const anchor = words[index] as Word;
  const ordinal = ORDINAL_STREET_BEFORE.exec(
    text.slice(Math.max(0, anchor.start - 30), anchor.start),
  );
  if (ordinal !== null) {
    const start = anchor.start - ordinal[0].length;
    return { start, hasNumber: ordinal[1] !== undefined, isOrdinal: true };
  }
  const lowercaseStart = lowercaseStreetStart(text, { words, index }, lists);
  if (lowercaseStart !== undefined) {
    return { start: lowercaseStart, hasNumber: true, isOrdinal: false };
  }
  const number = NUMBER_BEFORE.exec(text.slice(Math.max(0, nameStart - 16), nameStart));
  const start = number === null ? nameStart : nameStart - number[0].length;
  return { start, hasNumber: number !== null, isOrdinal: false };
}

/** The house number after the street's name, or a unit where it would be ("Aleea X, Bloc 22"). */
function numberAfter(text: string, nameEnd: number): { end: number; hasNumber: boolean } {
  const number = NUMBER_AFTER.exec(text.slice(nameEnd, nameEnd + 16));
  if (number !== null) return { end: nameEnd + number[0].length, hasNumber: true };
  const unit = UNIT_AFTER.exec(text.slice(nameEnd, nameEnd + 40));
  return { end: nameEnd, hasNumber: unit !== null };
}

/** English street types, which a text typed in lowercase writes in lowercase too. */
const LOWERCASE_ENGLISH_TYPES: ReadonlySet<string> = new Set(
  'street road avenue lane drive boulevard'.split(' '),
);

/** Words that no street's name holds: "5 miles down the road" is no address. */
const PROSE_WORDS: ReadonlySet<string> = new Set(
  (
    'the a an and or but of in on at to for from with by is are was were be down up over ' +
    'my your his her our their its this that these those'
  ).split(' '),
);

/**
 * Where "12 oak street", "7258 center road" or "695 Quillan freeway" starts: a lowercase English
 * street type is a street's only after its name and a house number. The commonest types
 * ("street", "road") may follow everyday words; the rest of faker's types ("freeway", "pines")
 * need a name that is not everyday English, as "3 green parks" shows.
 */
function lowercaseStreetStart(
  text: string,
  { words, index }: { words: readonly Word[]; index: number },
  lists: WordLists,
): number | undefined {
  const anchor = words[index] as Word;
  if (anchor.shape !== 'lower') return undefined;
  const isCommonType = LOWERCASE_ENGLISH_TYPES.has(anchor.text);
  if (!isCommonType && !lists.streetTypes.has(anchor.text)) return undefined;
  let start = anchor.start;
  for (let left = index - 1; left >= 0 && left >= index - 3; left--) {
    const word = words[left] as Word;
    if (!/^[ \t]+$/u.test(text.slice(word.end, start))) return undefined;
    if (PROSE_WORDS.has(word.text.toLowerCase())) return undefined;
    start = word.start;
    const number = NUMBER_BEFORE.exec(text.slice(Math.max(0, start - 16), start));
    if (number === null) continue;
    const isNamed = isCommonType || hasUncommonWord(text.slice(start, anchor.start), lists);
    return isNamed ? start - number[0].length : undefined;
  }
  return undefined;
}

/**
 * "árpád fejedelem útja", "Merivälja põik": before a type its language writes in lowercase,
 * the street's name may be lowercase too, as long as it is not everyday English ("the gate").
 */
function isNameBeforeLowercaseType(word: Word, anchor: Word, lists: WordLists): boolean {
  if (anchor.shape !== 'lower') return false;
  return !lists.englishWords.has(word.text) && !NAME_PARTICLES.has(word.text);
}

/** The street's name after a leading type: capitalised words and particles. */
function extendOverNames(text: string, words: readonly Word[], index: number): number {
  const anchor = words[index] as Word;
  let end = text[anchor.end] === '.' ? anchor.end + 1 : anchor.end;
  let nameEnd = end;
  for (let right = index + 1; right < words.length && right <= index + 5; right++) {
    const word = words[right] as Word;
    if (!/^[ \t]+$/u.test(text.slice(end, word.start))) break;
    if (UNIT_WORDS.has(word.text.toLowerCase())) break;
    const isParticle = NAME_PARTICLES.has(word.text.toLowerCase());
    if (word.shape === 'lower' && !isParticle && anchor.shape !== 'lower') break;
    end = word.end;
    if (!isParticle) nameEnd = end;
  }
  return nameEnd;
}

/**
 * A town line ends where the sentence goes on in lowercase prose ("…, OR 40593 today"),
 * unless a postcode follows ("Lyss, nan 50662").
 */
const LOWERCASE_WORD = /(?<![\p{L}\p{M}'’-])\p{Ll}[\p{Ll}\p{M}]*(?![\p{L}\p{M}'’-])/gu;

function withoutProse(part: RegExpExecArray | null, lists: WordLists): [string] | null {
  if (part === null) return null;
  const value = part[0];
  for (const word of value.matchAll(LOWERCASE_WORD)) {
    const rest = value.slice(word.index);
    if (lists.englishWords.has(word[0]) && !/\d/u.test(rest)) {
      const kept = value.slice(0, word.index).trimEnd();
      return /[\p{L}\p{N}]/u.test(kept.replace(/^[\s,]+/u, '')) ? [kept] : null;
    }
  }
  return [value];
}

/** After a unit or a postcode, the town may follow on the same line. */
function isTownNext(before: string): boolean {
  return UNIT_BEFORE.test(before) || POSTCODE_BEFORE.test(before);
}

function extendOverParts(text: string, from: number, lists: WordLists): number {
  let end = from;
  for (let count = 0; count < MAX_CONTINUATIONS; count++) {
    const part =
      UNIT_AFTER.exec(text.slice(end, end + 40)) ??
      withoutProse(CONTINUATION.exec(text.slice(end, end + 60)), lists) ??
      (isTownNext(text.slice(Math.max(0, end - 20), end))
        ? TOWN_AFTER_UNIT.exec(text.slice(end, end + 60))
        : null);
    if (part === null) break;
    end += part[0].length;
  }
  return end;
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
