import type { WordLists } from '../word-lists.js';

export type WordShape = 'title' | 'upper' | 'initial' | 'lower' | 'other';

export interface Word {
  text: string;
  start: number;
  end: number;
  shape: WordShape;
}

const WORD = /[\p{L}][\p{L}\p{M}'’-]*/gu;

/** The words of `text` with their offsets and capitalisation. */
export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(WORD)) {
    const value = match[0].replace(/['’-]+$/u, '');
    words.push({
      text: value,
      start: match.index,
      end: match.index + value.length,
      shape: shapeOf(value),
    });
  }
  return words;
}

function shapeOf(word: string): WordShape {
  const head = word[0] ?? '';
  const isHeadUpper = head !== head.toLowerCase();
  if (!isHeadUpper) return word === word.toLowerCase() ? 'lower' : 'other';
  if (word.length === 1) return 'initial';
  const tail = word.slice(1);
  if (tail === tail.toUpperCase() && tail !== tail.toLowerCase()) return 'upper';
  return 'title';
}

/** What the word lists say about one word, in any case. */
export function classifyWord(
  word: string,
  lists: WordLists,
): { isName: boolean; isKnownName: boolean; isCommon: boolean } {
  const lower = word.toLowerCase();
  const isCommon = lists.englishWords.has(lower);
  const isKnownName = lists.firstNames.has(lower) || lists.lastNames.has(lower);
  return { isName: isKnownName && !isCommon, isKnownName, isCommon };
}
