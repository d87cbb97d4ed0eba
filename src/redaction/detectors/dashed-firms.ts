import type { Detection } from '../detection.js';
import type { WordLists } from '../word-lists.js';
import { classifyWord } from './words.js';

/** One capitalised word, then a spaced dash: "Jenkins - ". */
const WORD_AND_DASH_BEFORE = /([\p{Lu}][\p{L}\p{M}'’-]*) [-–] $/u;
/** A spaced dash, then one capitalised word that no other capitalised word follows. */
const DASH_AND_WORD_AFTER = /^ [-–] ([\p{Lu}][\p{L}\p{M}'’-]*)(?![\p{L}\p{M}]| [\p{Lu}])/u;

/**
 * "Jenkins - Leffler", "Reilly – Kuvalis": two family names set side by side with a spaced
 * dash name a firm (or a pairing, as in a match), not a person. One person's double name is
 * written with a hyphen and no spaces ("Mbatha-Linsey"). "Thanks - Anna" is a sign-off, so
 * the word across the dash must not be an everyday word.
 */
export function withoutDashedPairs(
  text: string,
  found: readonly Detection[],
  lists: WordLists,
): Detection[] {
  return found.filter((finding) => {
    if (finding.className !== 'PERSON') return true;
    if (/\s/u.test(text.slice(finding.start, finding.end))) return true;
    const before = WORD_AND_DASH_BEFORE.exec(
      text.slice(Math.max(0, finding.start - 40), finding.start),
    );
    const after = DASH_AND_WORD_AFTER.exec(text.slice(finding.end, finding.end + 40));
    const other = before?.[1] ?? after?.[1];
    return other === undefined || classifyWord(other, lists) === 'common';
  });
}
