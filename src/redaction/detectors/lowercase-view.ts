import type { WordLists } from '../word-lists.js';
import { NAME_PARTICLES } from './street-words.js';
import { WORD } from './words.js';

/** Whether the text has no capital letter at all, as a message typed in lowercase has none. */
export function isAllLowercase(text: string): boolean {
  return !/\p{Lu}/u.test(text);
}

/**
 * A text typed all in lowercase, with a capital put back on every word that is not everyday
 * English: "send it to šokačka 26, šibenik" reads as "send it to Šokačka 26, Šibenik", so the
 * rules that tell a street's or a town's name by its capital work on it too. Every character
 * keeps its offset, so what is found in the view is found in the text.
 */
export function properNounView(text: string, lists: WordLists): string {
  return text.replace(WORD, (word) => {
    if (word.length < 3 || lists.englishWords.has(word) || NAME_PARTICLES.has(word)) return word;
    const head = word.slice(0, 1);
    const capital = head.toUpperCase();
    return capital.length === head.length ? `${capital}${word.slice(1)}` : word;
  });
}
