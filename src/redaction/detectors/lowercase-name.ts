import type { Detection } from '../detection.js';
import type { WordLists } from '../word-lists.js';
import { classifyWord, type Word } from './words.js';

/** Right before a lowercase name: a title ("mr. elliott"). */
const TITLE_BEFORE = /\b(?:mr|mrs|ms|mx|dr|prof)\.?\s+$/iu;

/**
 * Names written all in lowercase: a known given name, an optional middle initial and a
 * known family name ("eva kleist", "benjamin a seiler"), or a known name after a title.
 */
export function lowercaseName(
  text: string,
  words: readonly Word[],
  lists: WordLists,
): { detection: Detection; wordCount: number } | undefined {
  const [given, middle, last] = words;
  if (given?.shape !== 'lower') return undefined;
  if (
    isKnownName(given, lists) &&
    TITLE_BEFORE.test(text.slice(Math.max(0, given.start - 6), given.start))
  ) {
    return { detection: personAt(given.start, given.end, 0.7), wordCount: 1 };
  }
  const isInitial =
    middle?.text.length === 1 && /^\.? $/u.test(text.slice(middle.end, last?.start));
  const family = isInitial ? last : middle;
  if (family === undefined || !isLowercasePair(text, [given, family], lists)) return undefined;
  const confidence = isInitial ? 0.65 : 0.6;
  return { detection: personAt(given.start, family.end, confidence), wordCount: isInitial ? 3 : 2 };
}

function isKnownName(word: Word, lists: WordLists): boolean {
  return classifyWord(word.text, lists) === 'name';
}

function isLowercasePair(
  text: string,
  [given, family]: readonly [Word, Word],
  lists: WordLists,
): boolean {
  if (family.shape !== 'lower' || given.text.length < 3 || family.text.length < 3) return false;
  const gap = text.slice(given.end, family.start);
  if (gap !== ' ' && !/^ [a-z]\.? $/u.test(gap)) return false;
  if (classifyWord(given.text, lists) !== 'name' || !lists.firstNames.has(given.text)) return false;
  const familyKind = classifyWord(family.text, lists);
  if (familyKind === 'name') return lists.lastNames.has(family.text);
  // "kristin crnić": a family name in no list, but no English word either.
  return familyKind === 'unknown' && family.text.length >= 4;
}

function personAt(start: number, end: number, confidence: number): Detection {
  return { className: 'PERSON', start, end, confidence };
}
