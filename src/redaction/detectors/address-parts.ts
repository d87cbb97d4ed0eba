import type { WordLists } from '../word-lists.js';
import { UNIT } from './street-words.js';

/*
 * What follows a street in an address: units, and the lines or comma parts that name the
 * town, the region, the postcode and the country. Every shape of street ends here.
 */

/**
 * What may open a line of an address block: spaces, a quote mark ("> "), or a bullet ("•",
 * "-", "*", and "?" where a bullet was lost to a wrong text encoding).
 */
export const LINE_LEAD = String.raw`[\s>•·*?-]*`;

/** Postcodes as countries write them: 5 or 4 digits, "123 45", "00-950", "1000-001", "1011 AB". */
export const POSTCODE = String.raw`(?:\d{3} \d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4} ?[A-Z]{2}|\d{4,5})`;

export const UNIT_AFTER = new RegExp(String.raw`^(?:,?${LINE_LEAD}${UNIT})+`, 'u');
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
/** "… Apt. 819 Rzeszów Poland": after a unit, the town and country on the same line. */
const UNIT_BEFORE = /(?:apt\.?|apartment|suite|unit)\s*[\d\p{L}-]{1,6}\.?$/iu;
const TOWN_AFTER_UNIT =
  /^[ \t]+[\p{Lu}][\p{L}\p{M}'-]*(?:[ \t]+[\p{Lu}][\p{L}\p{M}'-]*){0,3}(?:[ \t]+\d{4,5})?(?=[ \t]*(?:[,.?!;)]|\n|$))/u;
/** "…, 75002 Paris": a postcode ends the part, and the town follows it on the same line. */
const POSTCODE_BEFORE = new RegExp(String.raw`(?:^|[\s,])${POSTCODE}$`, 'u');

const MAX_CONTINUATIONS = 6;

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

/** The end of an address: past the unit, town, region, postcode and country parts after it. */
export function extendOverParts(text: string, from: number, lists: WordLists): number {
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
