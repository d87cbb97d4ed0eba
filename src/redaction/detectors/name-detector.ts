import type { Detection, Detector } from '../detection.js';
import { loadWordLists, type WordLists } from '../word-lists.js';
import {
  hasLegalForm,
  isOrganisationAround,
  isOrganisationWord,
  isPlaceOrStreet,
  withoutEmployers,
  withoutFirms,
} from './name-context.js';
import { withoutDashedPairs } from './dashed-firms.js';
import { lowercaseName } from './lowercase-name.js';
import { joinedOverParticles, withoutPlaceTails } from './place-particles.js';
import { classifyWord, wordsOf, type Word, type WordKind } from './words.js';

/** Words right before a name that say a name follows. */
const CUE_WORDS =
  'mr|mrs|ms|mx|miss|dr|prof|sir|madam|dear|named|called|call me|calls me|name is|' +
  "name's|i am|i'm|this is|ask for|signed|regards|thanks|cc|attn|patient|name|user|" +
  'customer|employee|contact|with|by';
const NAME_CUE = new RegExp(String.raw`(?:\b(?:${CUE_WORDS})\s*[.:,?-]?\s*)$`, 'iu');

const MAX_NAME_WORDS = 4;

/**
 * Person names, found in process with word lists: runs of capitalised (or all-capitals)
 * words split at everyday English words. A run is a name when it holds a known given or
 * family name that is not an everyday word, when it follows a cue such as "Mr." or "my
 * name is", or when its words are neither everyday English nor known places (an unknown
 * proper noun is most often a name). The whole text is scanned word by word, so there is no
 * window to fall out of.
 */
export class NameDetector implements Detector {
  readonly name = 'name';
  readonly classNames = ['PERSON'] as const;

  async detect(text: string): Promise<Detection[]> {
    const lists = await loadWordLists();
    const words = wordsOf(text);
    const found: Detection[] = [];

    let index = 0;
    while (index < words.length) {
      const run = capitalisedRun(text, words, index);
      if (run.length === 0) {
        const lowercase = lowercaseName(text, words.slice(index, index + 3), lists);
        if (lowercase !== undefined) found.push(lowercase.detection);
        index += lowercase?.wordCount ?? 1;
        continue;
      }
      found.push(...judgeRun(text, run, lists));
      index += run.length;
    }
    const named = withoutFirms(text, [...found, ...listedWithNames(text, words, found)]);
    const people = withoutPlaceTails(text, withoutDashedPairs(text, named, lists), lists);
    return joinedOverParticles(text, withoutEmployers(text, people, lists));
  }
}

/** Between the items of a list: ", ", " and ", ", and ". */
const LIST_GAP = /^(?:, | and |, and )$/u;

/**
 * "Monjeau, Graves and Reed": a capitalised word listed beside a name found on its own is a
 * name too. Words a list holds are alike, and a missed one would be left in clear.
 */
function listedWithNames(text: string, words: readonly Word[], found: Detection[]): Detection[] {
  const ends = new Set(found.map((finding) => finding.end));
  const starts = new Set(found.map((finding) => finding.start));
  const added: Detection[] = [];

  for (let pass = 0; pass < 2; pass++) {
    for (let index = 0; index < words.length; index++) {
      const word = words[index] as Word;
      if (!isListItem(text, word, starts)) continue;
      const previous = words[words[index - 1]?.text === 'and' ? index - 2 : index - 1];
      const next = words[words[index + 1]?.text === 'and' ? index + 2 : index + 1];
      const isAfterName =
        previous !== undefined &&
        ends.has(previous.end) &&
        LIST_GAP.test(text.slice(previous.end, word.start));
      const isBeforeName =
        next !== undefined &&
        starts.has(next.start) &&
        LIST_GAP.test(text.slice(word.end, next.start));
      if (!isAfterName && !isBeforeName) continue;
      if (isPlaceOrStreet([{ word, kind: 'unknown' }], around(text, word, word))) continue;
      added.push(personAt(word.start, word.end, 0.6));
      starts.add(word.start);
      ends.add(word.end);
    }
  }
  return added;
}

/**
 * A capitalised word not yet found, not a function word or an organisation word, and not the
 * first of a sentence.
 */
function isListItem(text: string, word: Word, starts: ReadonlySet<number>): boolean {
  if (word.shape !== 'title' || starts.has(word.start)) return false;
  if (NEVER_FAMILY.has(word.text.toLowerCase()) || isOrganisationWord(word.text)) return false;
  return !/(?:^|[.!?]\s+|\n\s*)$/u.test(text.slice(Math.max(0, word.start - 4), word.start));
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
  let part: { word: Word; kind: WordKind }[] = [];
  const flush = (): void => {
    const detection = judgePart(text, part, lists);
    if (detection !== undefined) found.push(detection);
    part = [];
  };

  for (const word of run) {
    const kind = word.shape === 'initial' ? 'initial' : classifyWord(word.text, lists);
    if (kind === 'common' && isFamilyNameAfter(part.at(-1), word, lists)) {
      part.push({ word, kind: 'ambiguous' });
      continue;
    }
    if (kind === 'common') {
      flush();
      continue;
    }
    part.push({ word, kind });
    if (part.length === MAX_NAME_WORDS) flush();
  }
  flush();
  return found;
}

/** Words that never follow a given name as its family name. */
const NEVER_FAMILY: ReadonlySet<string> = new Set(
  'the and or but of in on at to for from with by is are was were has had not'.split(' '),
);

/**
 * "Ella H. Snider", "James Sparks": after an initial or a known given name, a capitalised
 * everyday word is the family name.
 */
function isFamilyNameAfter(
  previous: { word: Word; kind: WordKind } | undefined,
  word: Word,
  lists: WordLists,
): boolean {
  if (previous === undefined || word.shape !== 'title' || word.text.length < 3) return false;
  if (NEVER_FAMILY.has(word.text.toLowerCase()) || isOrganisationWord(word.text)) return false;
  if (previous.kind === 'initial') return true;
  return previous.kind === 'name' && lists.firstNames.has(previous.word.text.toLowerCase());
}

/** The text before and after a run, as far as the rules about its neighbours look. */
function around(text: string, first: Word, last: Word): { before: string; after: string } {
  return {
    before: text.slice(Math.max(0, first.start - 40), first.start),
    after: text.slice(last.end, last.end + 80),
  };
}

function judgePart(
  text: string,
  part: readonly { word: Word; kind: WordKind }[],
  lists: WordLists,
): Detection | undefined {
  const first = part[0]?.word;
  const last = part.at(-1)?.word;
  const full = part.filter((entry) => entry.kind !== 'initial');
  if (first === undefined || last === undefined || full.length === 0) return undefined;

  const count = (kind: WordKind): number => full.filter((entry) => entry.kind === kind).length;
  const hasCue = NAME_CUE.test(text.slice(Math.max(0, first.start - 24), first.start));
  if (full.every((entry) => isOrganisationWord(entry.word.text))) return undefined;
  const context = around(text, first, last);
  if (isOrganisationAround(context, count('name') > 0)) return undefined;
  if (hasLegalForm(part, context.after, lists)) return undefined;
  if (!hasCue && isPlaceOrStreet(part, context)) return undefined;

  const isShouted = full.every((entry) => entry.word.shape === 'upper');
  const isSentenceStart = /(?:^|[.!?:]\s+|\n\s*)$/u.test(
    text.slice(Math.max(0, first.start - 4), first.start),
  );
  const before = text.slice(Math.max(0, first.start - 12), first.start);
  const after = text.slice(last.end, last.end + 12);
  const confidence = nameConfidence({
    isPlaceContext: PLACE_BEFORE.test(before) || isDemonym(part, after),
    isPersonContext: PERSON_AFTER.test(after) && !FIELD_LABELS.has(first.text.toLowerCase()),
    size: full.length,
    names: count('name'),
    ambiguous: count('ambiguous'),
    unknown: count('unknown'),
    places: count('place'),
    hasCue,
    isShouted,
    isSentenceStart,
  });
  if (confidence === undefined) return undefined;
  return { className: 'PERSON', start: first.start, end: last.end, confidence };
}

/** "in Flateyri", "from Greenlander": an unknown word there is most often a place. */
const PLACE_BEFORE = /\b(?:in|at|from|near|into|across|around|visit(?:ed|ing)?)\s+(?:the\s+)?$/iu;

/** "Warrane, can I…", "Halldór: What…", "Irenka is…": what follows a person's name. */
const PERSON_AFTER =
  /^(?:,|:|\s+(?:is|was|has|had|said|says|began|spent|shouted|asked|told|wrote)\b)/u;

/** Labels of form fields ("Website:", "E-mail:"), which a colon follows as it follows a speaker. */
const FIELD_LABELS: ReadonlySet<string> = new Set(
  (
    'name address phone e-mail email website web fax mobile tel subject date note title company ' +
    'nom nome naam nombre adres adresse adresa dirección indirizzo endereço telefon telefono ' +
    'teléfono téléphone'
  ).split(' '),
);

/** "Greek food", "an English place": a word for a people or a language before a noun. */
const DEMONYM_ENDING = /(?:ish|ese|ian|ean|ic|ch|eek)$/u;

function isDemonym(part: readonly { word: Word; kind: WordKind }[], after: string): boolean {
  const only = part.length === 1 ? part[0] : undefined;
  if (only === undefined || only.kind !== 'unknown') return false;
  return DEMONYM_ENDING.test(only.word.text) && /^ [a-z]/u.test(after);
}

interface PartCounts {
  isPlaceContext: boolean;
  isPersonContext: boolean;
  size: number;
  names: number;
  ambiguous: number;
  unknown: number;
  places: number;
  hasCue: boolean;
  isShouted: boolean;
  /** Every sentence starts with a capital, so a lone unknown word there proves little. */
  isSentenceStart: boolean;
}

/** How sure a run of words is a person's name, or undefined when it is not one. */
function nameConfidence(counts: PartCounts): number | undefined {
  const { size, names, ambiguous, unknown, places, hasCue, isShouted, isSentenceStart } = counts;
  const { isPlaceContext, isPersonContext } = counts;
  if (hasCue) return 0.85;
  if (isShouted) return names >= 2 ? 0.8 : undefined;
  if (names >= 1) return size > 1 ? 0.85 : 0.7;
  if (places > 0) return undefined;
  if (size > 1 && ambiguous + unknown === size) return ambiguous > 0 ? 0.75 : 0.7;
  if (size !== 1 || isPlaceContext) return undefined;
  // "Heather said", "Frank, come here": a name that is also a word, used as a name.
  if (ambiguous === 1) return isPersonContext ? 0.6 : undefined;
  return !isSentenceStart || isPersonContext ? 0.55 : undefined;
}

function personAt(start: number, end: number, confidence: number): Detection {
  return { className: 'PERSON', start, end, confidence };
}
