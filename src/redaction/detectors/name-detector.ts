import type { Detection, Detector } from '../detection.js';
import { loadWordLists, type WordLists } from '../word-lists.js';
import { classifyWord, wordsOf, type Word } from './words.js';

/** Words right before a name that say a name follows. */
const NAME_CUE =
  /(?:\b(?:mr|mrs|ms|mx|miss|dr|prof|sir|madam|dear|named|called|call me|name is|name's|i am|i'm|this is|ask for|under|by|with|from|to|signed|regards|thanks|cc|attn|patient|name|user|customer|employee|contact)\s*[.:,-]?\s*)$/iu;

const MAX_NAME_WORDS = 4;

/**
 * Person names, found in process with word lists: runs of capitalised (or all-capitals)
 * words in which at least one word is a known given or family name and not an everyday
 * English word, or any such run right after a cue such as "Mr." or "my name is". The whole
 * text is scanned word by word, so there is no window to fall out of.
 */
export class NameDetector implements Detector {
  readonly name = 'name';

  async detect(text: string): Promise<Detection[]> {
    const lists = await loadWordLists();
    const words = wordsOf(text);
    const found: Detection[] = [];

    let index = 0;
    while (index < words.length) {
      const run = capitalisedRun(text, words, index);
      if (run.length === 0) {
        const pair = lowercasePair(text, words.slice(index, index + 2), lists);
        if (pair !== undefined) found.push(pair);
        index += pair === undefined ? 1 : 2;
        continue;
      }
      found.push(...judgeRun(text, run, lists));
      index += run.length;
    }
    return found;
  }
}

/** Capitalised words in a row, joined only by a space (or ". " after an initial). */
function capitalisedRun(text: string, words: readonly Word[], from: number): Word[] {
  const run: Word[] = [];
  for (let index = from; index < words.length; index++) {
    const word = words[index] as Word;
    if (word.shape === 'lower' || word.shape === 'other') break;
    const previous = run.at(-1);
    if (previous !== undefined && !isNameGap(text.slice(previous.end, word.start), previous)) break;
    run.push(word);
  }
  return run;
}

/** One space between the words of a name, or ". " after an initial ("Janka M. Szász"). */
function isNameGap(gap: string, previous: Word): boolean {
  return gap === ' ' || (gap === '. ' && previous.shape === 'initial');
}

/** Splits a run at everyday words and keeps the parts that look like names. */
function judgeRun(text: string, run: readonly Word[], lists: WordLists): Detection[] {
  const found: Detection[] = [];
  let part: Word[] = [];
  const flush = (): void => {
    const detection = judgePart(text, part, lists);
    if (detection !== undefined) found.push(detection);
    part = [];
  };

  for (const word of run) {
    const kind = classifyWord(word.text, lists);
    if (kind.isCommon && !(part.length > 0 && kind.isKnownName && word.shape === 'title')) {
      flush();
      continue;
    }
    part.push(word);
    if (part.length === MAX_NAME_WORDS) flush();
  }
  flush();
  return found;
}

function judgePart(text: string, part: readonly Word[], lists: WordLists): Detection | undefined {
  const first = part[0];
  const last = part.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const full = part.filter((word) => word.shape !== 'initial');
  if (full.length === 0) return undefined;

  const nameCount = full.filter((word) => classifyWord(word.text, lists).isName).length;
  const hasCue = NAME_CUE.test(text.slice(Math.max(0, first.start - 24), first.start));
  const isShouted = full.every((word) => word.shape === 'upper');
  const isName = isShouted
    ? nameCount >= 2 || (hasCue && nameCount >= 1)
    : nameCount >= 1 || hasCue;
  if (!isName) return undefined;

  const confidence = full.length > 1 || hasCue ? 0.85 : 0.65;
  return { className: 'PERSON', start: first.start, end: last.end, confidence };
}

/** "eva kleist": a known given name then a known family name, neither an everyday word. */
function lowercasePair(
  text: string,
  [given, family]: readonly Word[],
  lists: WordLists,
): Detection | undefined {
  if (given?.shape !== 'lower' || family?.shape !== 'lower') return undefined;
  if (text.slice(given.end, family.start) !== ' ') return undefined;
  if (given.text.length < 3 || family.text.length < 3) return undefined;

  const givenKind = classifyWord(given.text, lists);
  const familyKind = classifyWord(family.text, lists);
  if (givenKind.isCommon || familyKind.isCommon) return undefined;
  if (!lists.firstNames.has(given.text) || !lists.lastNames.has(family.text)) return undefined;
  return { className: 'PERSON', start: given.start, end: family.end, confidence: 0.6 };
}
