import type { Detection } from '../detection.js';
import type { WordLists } from '../word-lists.js';
import { extendOverParts, UNIT_AFTER } from './address-parts.js';
import {
  hasUncommonWord,
  isLeadingType,
  NAME_PARTICLES,
  namesStreetAlone,
  needsNameAfter,
  UNIT_WORDS,
} from './street-words.js';
import type { Word } from './words.js';

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
/**
 * The street around a street-type word: the name before or after it, the house number, then
 * the parts that follow.
 */
export function streetAround(
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
  const end = extendOverParts(text, after.end, lists);
  return { className: 'STREET_ADDRESS', start: before.start, end, confidence };
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
export function lowercaseStreetStart(
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
