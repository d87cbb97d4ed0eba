import type { WordLists } from '../word-lists.js';
import { hasUncommonWord, NAME_PARTICLES } from './street-words.js';

/**
 * Addresses without a street-type word ("Pivovarská 276", "9816 214 Pavlou Drandaki") are
 * found only right after a phrase that announces an address: "address:", "lives at",
 * "located at", "sent to" and the like. Without the cue such a span is as likely a product
 * and a quantity, so it is left alone.
 */
const CUE =
  /(?:\baddress(?:\s+is)?\s*:?|\b(?:lives?|living|located|based|is|are|office|moved|stays?)\s+(?:at|in|on|to)|\b(?:sen[dt]|ship(?:ped)?|deliver(?:ed)?|return(?:ed)?|mail(?:ed)?|post(?:ed)?)(?:\s+it)?\s+to)[ \t]*\n?[ \t]*/giu;

/**
 * A word of a street's name: capitalised, or any letters when the cue says "address" or the
 * text has no capitals at all.
 */
const TITLE_WORD = String.raw`[\p{Lu}][\p{L}\p{M}'.-]*`;
const ANY_WORD = String.raw`[\p{L}][\p{L}\p{M}'.-]*`;
const NUMBER = String.raw`\d{1,6}[a-zA-Z]?`;

/**
 * Numbers first ("9816 214 Pavlou Drandaki", "106 rúa olmos 44", "10 Ob železnici 35b") or a
 * name with its number ("Bygget 91"). The first word of the name is `first`; the words after
 * it may be any, as "ibn", "de" and lowercase types are ("Hinduşah Naxçıvani sahəsi").
 */
function streetShapes(first: string): RegExp {
  const name = String.raw`${first}(?:[ \t]+${ANY_WORD}){0,4}`;
  return new RegExp(
    String.raw`^(?:(?:${NUMBER}\s+){1,2}${name}(?:,?[ \t]+${NUMBER}\b)?` +
      String.raw`|${name}[ \t]+${NUMBER}(?![\p{L}\p{N}]))`,
    'u',
  );
}

const AFTER_ANY_CUE = streetShapes(TITLE_WORD);
const AFTER_ADDRESS_CUE = streetShapes(ANY_WORD);

const LOWERCASE_WORD = /(?<=[ \t])\p{Ll}[\p{L}\p{M}'.-]*/gu;

/** "5 Oak Lane and then": a capitalised street's name ends before a lowercase English word. */
function withoutProse(street: string, lists: WordLists): string {
  for (const word of street.matchAll(LOWERCASE_WORD)) {
    const value = word[0].replace(/[.'-]+$/u, '');
    if (lists.englishWords.has(value) && !NAME_PARTICLES.has(value)) {
      return street.slice(0, word.index).trimEnd();
    }
  }
  return street;
}

/** Where each cued street starts and its street part ends; the caller adds town lines. */
export function cuedStreets(text: string, lists: WordLists): { start: number; end: number }[] {
  const streets: { start: number; end: number }[] = [];
  for (const cue of text.matchAll(CUE)) {
    const start = cue.index + cue[0].length;
    const isAddressCue = /^address/iu.test(cue[0]);
    // Typed all in lowercase, a street's name has no capital to tell it by.
    const isLowercase = !/\p{Lu}/u.test(text.slice(Math.max(0, cue.index - 200), start + 80));
    const shape = isAddressCue || isLowercase ? AFTER_ADDRESS_CUE : AFTER_ANY_CUE;
    const match = shape.exec(text.slice(start, start + 80));
    if (match === null) continue;
    const street = shape === AFTER_ANY_CUE ? withoutProse(match[0], lists) : match[0];
    if (!/\d/u.test(street) || !/\p{L}/u.test(street)) continue;
    // "the answer is at most 48 words": lowercase everyday words are prose.
    if (isLowercase && !isAddressCue && !hasUncommonWord(street, lists)) continue;
    streets.push({ start, end: start + street.replace(/[.'-]+$/u, '').length });
  }
  return streets;
}
