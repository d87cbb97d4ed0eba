import type { WordLists } from '../word-lists.js';

export type WordShape = 'title' | 'upper' | 'initial' | 'lower' | 'other';

export interface Word {
  text: string;
  start: number;
  end: number;
  shape: WordShape;
}

/** A word: a letter, then letters, marks, apostrophes and hyphens. */
export const WORD = /[\p{L}][\p{L}\p{M}'’-]*/gu;

/** The words of `text` with their offsets and capitalisation. */
export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    // "Daniel's" is the name "Daniel"; the possessive is not part of it.
    const value = /['’-]/u.test(match[0])
      ? match[0].replace(/['’]s$/iu, '').replace(/['’-]+$/u, '')
      : match[0];
    const end = match.index + value.length;
    words.push({
      text: value,
      start: match.index,
      end,
      // Letters glued to digits ("DE89", "12B") are part of an identifier, not a word.
      shape: isDigit(text[match.index - 1]) || isDigit(text[end]) ? 'other' : shapeOf(value),
    });
  }
  return words;
}

const isDigit = (character: string | undefined): boolean =>
  character !== undefined && character >= '0' && character <= '9';

function shapeOf(word: string): WordShape {
  const head = word[0] ?? '';
  const isHeadUpper = head !== head.toLowerCase();
  if (!isHeadUpper) return word === word.toLowerCase() ? 'lower' : 'other';
  if (word.length === 1) return 'initial';
  const tail = word.slice(1);
  if (tail === tail.toUpperCase() && tail !== tail.toLowerCase()) return 'upper';
  // "UnionPay", "McDonald": capitals inside a word mark a brand or a prefix, kept apart.
  return tail === tail.toLowerCase() || /^(?:Mc|Mac|O'|D'|De|Van)/u.test(word) ? 'title' : 'other';
}

/**
 * What the word lists say about one word, in any case: a known name that is not an everyday
 * word, a known name that is one too ("Frank", "Rose"), an everyday word, a known place (or
 * a people: "German"), or none of these.
 */
export type WordKind = 'name' | 'ambiguous' | 'common' | 'place' | 'unknown' | 'initial';

/** "I'm", "You're", "They'll": a pronoun with its verb, never a name. */
const CONTRACTION = /['’](?:m|re|ll|ve|d|t)$/iu;

export function classifyWord(word: string, lists: WordLists): WordKind {
  const lower = word.toLowerCase();
  if (CONTRACTION.test(lower)) return 'common';
  if (lists.peoples.has(lower)) return 'place';
  const isKnownName = lists.firstNames.has(lower) || lists.lastNames.has(lower);
  const isCommon = lists.englishWords.has(lower);
  if (isKnownName) return isCommon ? 'ambiguous' : 'name';
  if (isCommon || isBrandCompound(lower, lists)) return 'common';
  if (lists.places.has(lower) || isPeopleOfPlace(lower, lists)) return 'place';
  return word.length >= 3 ? 'unknown' : 'common';
}

/**
 * Endings that English family names are built from ("Blackwood", "Hartfield", "Newman"): a
 * word that ends in one of them may be a name that the lists do not hold.
 */
const FAMILY_NAME_ENDINGS: ReadonlySet<string> = new Set(
  (
    'wood woods man men field fields ford worth well wells head ward wright land lands more ' +
    'stone house burn castle bridge brook brooks hill hills dale gate side water fellow bank ' +
    'banks ridge hall shaw wick cliff thorpe mont ley ton son sons berg by ham way hurst ' +
    'mann win wine ling ing smith child love good heart'
  ).split(' '),
);

/**
 * "Hellowallet", "Greatschools", "Karmadata": two everyday English words written as one are
 * a brand's name, which firms make up all the time; a person's name is seldom built so.
 */
function isBrandCompound(lower: string, lists: WordLists): boolean {
  for (let split = 4; split <= lower.length - 4; split++) {
    const tail = lower.slice(split);
    if (FAMILY_NAME_ENDINGS.has(tail)) continue;
    if (lists.englishWords.has(lower.slice(0, split)) && lists.englishWords.has(tail)) return true;
  }
  return false;
}

/** "Greenlander", "Quillanian": a word for the people of a place the lists know. */
const PEOPLE_ENDING = /(?:ers?|ians?)$/u;

function isPeopleOfPlace(lower: string, lists: WordLists): boolean {
  const ending = PEOPLE_ENDING.exec(lower);
  if (ending === null) return false;
  const place = lower.slice(0, ending.index);
  return place.length >= 4 && (lists.places.has(place) || lists.places.has(`${place}a`));
}
