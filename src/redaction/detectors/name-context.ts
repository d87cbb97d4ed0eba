/**
 * What the words around a run of capitalised words say it is, when not a person: an
 * organisation ("Quorvex Analytics", "I work for Quorvex") or a place ("Port Quill", "the
 * Quill Valley", "Harrowton"). Names of either are invented all the time, so no list of
 * them can be complete; the words beside them are what give them away.
 */

import type { Detection } from '../detection.js';
import type { WordLists } from '../word-lists.js';
import { classifyWord, type Word, type WordKind } from './words.js';

/** "a b c" as the alternation "a|b|c". */
const anyOf = (words: string): string => words.split(' ').join('|');

/** Words that end an organisation's name ("Quorvex Ltd", "Hale, Bram and Moss Orchestra"). */
const ORGANISATION_WORD_LIST = (
  'inc incorporated ltd limited llc llp plc gmbh ag sa sarl bv nv oy ab as spa srl corp ' +
  'corporation co company companies group bank university college school academy hospital ' +
  'clinic foundation institute orchestra choir club hotel airlines? airways records press ' +
  'studios? office offices headquarters employees staff platform software technologies ' +
  'technology systems solutions labs laboratories markets networks partners capital ' +
  'holdings ventures consulting consultants associates agency services industries ' +
  'international enterprises brothers bros sons research insurance investments logistics ' +
  'analytics media publishing pharmaceuticals motors energy trust fund council committee ' +
  'society association federation league union ministry department website'
).split(' ');
const ORGANISATION_WORDS = ORGANISATION_WORD_LIST.join('|');
/**
 * As written after a name: "Labs", "LLC", and for the longer words lowercase too ("the
 * Quorvex website"). Short legal forms ("AS", "Co") only with a capital: "as", "co" are prose.
 */
const WRITTEN_ORGANISATION_WORDS = ORGANISATION_WORD_LIST.flatMap((word) => {
  const head = word.slice(0, 1);
  const written = [`${head.toUpperCase()}${word.slice(1)}`, word.toUpperCase()];
  return word.length >= 4 ? [...written, word] : written;
}).join('|');

const CAPITALISED = String.raw`[\p{Lu}][\p{L}\p{M}'&-]*`;

/**
 * After the run, on the same line: up to two more capitalised words, or the rest of a list of
 * them ("Hale, Bram and Moss"), then an organisation word ("Orchestra", "and Sons").
 */
const ORGANISATION_AFTER = new RegExp(
  String.raw`^(?:,[ \t]+${CAPITALISED})*(?:,?[ \t]+(?:and|&)[ \t]+${CAPITALISED})?` +
    String.raw`(?:[ \t]+${CAPITALISED}){0,2},?[ \t]+(?:(?:and|&)[ \t]+)?` +
    String.raw`(?:${WRITTEN_ORGANISATION_WORDS})\b`,
  'u',
);
const ORGANISATION_WORD = new RegExp(`^(?:${ORGANISATION_WORDS})$`, 'iu');

const ORGANISATIONS_OF = anyOf('university college bank institute school academy museum ministry');

/**
 * Before the run: "I work for", "employed by", "the University of", "CEO of", and a stretch of
 * time or a post spent at a place of work: "a year at", "her internship at", "studied at".
 */
const ORGANISATION_BEFORE = new RegExp(
  String.raw`(?:\b(?:work(?:s|ed|ing)?|volunteer(?:s|ed|ing)?)\s+(?:for|at)` +
    String.raw`|\b(?:years?|months?|semesters?|stint|internship|job|career|studied|studies)\s+at` +
    String.raw`|\bemployed\s+(?:by|at)|\bjoin(?:s|ed|ing)?` +
    String.raw`|\b(?:ceo|cto|cfo|founder|director)\s+of` +
    String.raw`|\b(?:${ORGANISATIONS_OF})\s+of)\s+(?:the\s+)?$`,
  'iu',
);

/**
 * "a year at Weight Watchers": an everyday capitalised word splits a name into parts, and the
 * words before a later part are part of the same name.
 */
const CAPITALISED_BEFORE = /(?:[\p{Lu}][\p{L}\p{M}'’-]*[ \t]+){1,2}$/u;

/** "Mirela Brandt of Quorvex", "the Duke of Quillan": after a capitalised word and "of". */
const NAMED_OF_BEFORE = /[\p{Lu}][\p{L}\p{M}'-]+\s+of\s+$/u;

/** "Quorvex is a design agency", "Quorvex was an investment bank based in…". */
const ORGANISATION_PREDICATE = new RegExp(
  String.raw`^\s+(?:is|was|has\s+been)\s+(?:a|an|the)\s+(?:[\p{L}\d-]+\s+){0,3}` +
    String.raw`(?:company|firm|agency|bank|startup|start-up|non-?profit|charity|organi[sz]ation|` +
    String.raw`brand|business|provider|platform|multinational|corporation|band|film|movie)` +
    String.raw`(?:[.,;!?)]|$|\s+(?:that|which|who|based|in|on|with|of|for|from|founded|and|` +
    String.raw`by|directed|produced|released|owned|run|headquartered)\b)`,
  'iu',
);

/**
 * Whether the words around a run make it an organisation. Only the words after it count
 * when it holds a known name: "I work for Mirela Brandt" is about a person.
 */
export function isOrganisationAround(
  { before, after }: { before: string; after: string },
  hasKnownName: boolean,
): boolean {
  if (ORGANISATION_AFTER.test(after)) return true;
  if (hasKnownName) return false;
  // "a year at Brevalyn's place": what follows a possessive is the place, not the name.
  const isPossessive = /^['’]s\b/u.test(after);
  return (
    (!isPossessive && ORGANISATION_BEFORE.test(before.replace(CAPITALISED_BEFORE, ''))) ||
    NAMED_OF_BEFORE.test(before) ||
    ORGANISATION_PREDICATE.test(after)
  );
}

/**
 * "I work for Lang, Yundt and Carter": a list of bare family names after words that an
 * organisation follows is a firm's name.
 */
export function withoutFirms(text: string, found: readonly Detection[]): Detection[] {
  const sorted = [...found].sort((a, b) => a.start - b.start);
  const firms = new Set<Detection>();
  let list: Detection[] = [];
  const close = (): void => {
    const [first] = list;
    const before =
      first === undefined ? '' : text.slice(Math.max(0, first.start - 40), first.start);
    if (list.length >= 2 && ORGANISATION_BEFORE.test(before))
      for (const item of list) firms.add(item);
    list = [];
  };
  for (const finding of sorted) {
    const previous = list.at(-1);
    const isOneWord = !/\s/u.test(text.slice(finding.start, finding.end));
    const isNext =
      previous !== undefined &&
      /^(?:, | and |, and )$/u.test(text.slice(previous.end, finding.start));
    if (!isNext) close();
    if (isOneWord) list.push(finding);
    else close();
  }
  close();
  return found.filter((finding) => !firms.has(finding));
}

/** The next two words after a run, split at whitespace, with a list's comma dropped. */
const NEXT_WORDS = /^[ \t]+(\S+?)[,;:]?(?:[ \t]+(\S+?)[,;:]?)?(?=\s|$)/u;

/**
 * "Matulová s.r.o.", "Situmorang Tbk", "Parra e Hijos": a legal form of a firm in any locale,
 * in the run or right after it (after a short "and" of its language), makes the run a firm.
 * A two-letter form ("AB", "BA") beside a given name is more often a degree or an honour.
 */
export function hasLegalForm(
  part: readonly { word: Word; kind: WordKind }[],
  after: string,
  lists: WordLists,
): boolean {
  const hasGivenName = part.some((entry) => lists.firstNames.has(entry.word.text.toLowerCase()));
  const isForm = (written: string | undefined): boolean => {
    const form = written?.replace(/\.$/u, '');
    if (form === undefined || (form.length <= 2 && hasGivenName)) return false;
    return lists.legalForms.has(form) || lists.legalForms.has(`${form}.`);
  };
  if (part.some((entry) => isForm(entry.word.text))) return true;
  const [, first, second] = NEXT_WORDS.exec(after) ?? [];
  if (isForm(first)) return true;
  return first !== undefined && /^\p{Ll}{1,3}$/u.test(first) && isForm(second);
}

/** "Bertha Inc": an organisation word is never a family name. */
export function isOrganisationWord(word: string): boolean {
  return ORGANISATION_WORD.test(word);
}

/**
 * Before a lone word: a preposition or a verb of travel that a place follows. Not "at": one
 * shouts at, looks at and waits at a person as often as at a place.
 */
const PLACE_BEFORE = new RegExp(
  String.raw`\b(?:in|near|into|across|around|visit(?:s|ed|ing)?|(?:com(?:e|es|ing)|came|` +
    String.raw`go(?:es|ing)?|went|fl(?:y|ies|ew|ying)|travel(?:l?ed|l?ing|s)?|mov(?:e|es|ed|ing)|` +
    String.raw`return(?:s|ed|ing)?|trip|drive|drove|driving|back)\s+to)\s+(?:the\s+)?$`,
  'iu',
);

const FROM_BEFORE = /\bfrom\s+(?:the\s+)?$/iu;

/** Right before the run, the first word of a place's name: "New", "North", "Port", "Lake". */
const PLACE_PREFIXES = anyOf(
  'New North South East West Northern Southern Eastern Western Central Upper Lower Greater ' +
    'Fort Mount Port Lake Cape Isle',
);
const PLACE_PREFIX = new RegExp(String.raw`\b(?:${PLACE_PREFIXES})\s+$`, 'u');
/** "West Dariana": the prefix is in the run itself when the lists know it as a family name. */
const PLACE_PREFIX_WORD = new RegExp(`^(?:${PLACE_PREFIXES})$`, 'u');

/** Right after the run, a word that makes it a place: "Quill Republic", "Harrow County". */
const PLACE_AFTER = new RegExp(
  String.raw`^\s+(?:${anyOf(
    'Republic Kingdom Emirates Islands? County Province Region Prefecture State City Town ' +
      'Village Valley Mountains? River Lake Bay Coast Desert District Peninsula Airport Harbou?r',
  )})\b`,
  'u',
);

/** A street type in the run or right after it: "Isaac Lodge Street" is a street. */
const STREET_TYPES = anyOf(
  'Street St Avenue Ave Road Rd Boulevard Blvd Lane Drive Court Place Square Terrace ' +
    'Crescent Parkway Highway',
);
const STREET_AFTER = new RegExp(String.raw`^[ \t]+(?:${STREET_TYPES})(?!\p{L})`, 'u');
const STREET_TYPE = new RegExp(`^(?:${STREET_TYPES})$`, 'u');

/**
 * Endings that make an invented word a town: "Harrowton", "Quillville", "Brenmouth". Not
 * "-berg", "-land" or "-field", which end as many family names ("Goldberg", "Hoagland").
 */
const TOWN_ENDINGS = anyOf(
  'town ton ville burg burgh borough bury stead mouth shire cester chester port view side ' +
    'haven stadt stad dorf heim grad polis',
);
const TOWN_ENDING = new RegExp(`(?:${TOWN_ENDINGS}|abad|pur)$`, 'iu');

/**
 * A place or a street, not a person: "New Quillan", "Quill County", "Harrowton", a lone word
 * after "in" or "flew to", a run before "Street" or between two numbers.
 */
export function isPlaceOrStreet(
  part: readonly { word: Word; kind: WordKind }[],
  { before, after }: { before: string; after: string },
): boolean {
  if (STREET_AFTER.test(after) || PLACE_PREFIX.test(before) || PLACE_AFTER.test(after)) {
    return true;
  }
  if (part.slice(1).some((entry) => STREET_TYPE.test(entry.word.text))) return true;
  // "Tokoza Ext 1426", "Quillmark 43015": a postcode after a name no list knows makes it a town.
  const isUnknown = part.every((entry) => entry.kind === 'unknown' || entry.kind === 'place');
  if (isUnknown && /^[ \t]+\d{4,5}(?![\p{L}\p{N}])/u.test(after)) return true;
  // "13 Mitra Bakića 358": words between two numbers are a street's name.
  if (/\d[ \t]+$/u.test(before) && /^[ \t]+\d/u.test(after)) return true;
  const [first, second] = part;
  if (second !== undefined && PLACE_PREFIX_WORD.test(first?.word.text ?? '')) return true;
  const only = part.length === 1 ? part[0] : undefined;
  if (only === undefined || (only.kind !== 'unknown' && only.kind !== 'name')) return false;
  if (PLACE_BEFORE.test(before)) return true;
  // "from Quillbrook" is a place as often as a person; a known name there is a person.
  return only.kind === 'unknown' && (FROM_BEFORE.test(before) || TOWN_ENDING.test(only.word.text));
}

/** A possessive and the space after it: "'s ", "’ ". */
const POSSESSIVE_GAP = /^['’]s?[ \t]+(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof)\.?[ \t]+)?/u;

/**
 * "Quorvex's Mirela Brandt", "Quorvex's Mrs. Mirela Brandt": a word no name list knows, in the
 * possessive right before a person's full name, is where that person works. A person's
 * possessive is followed by a thing ("Mirela's car") or by one given name ("Mirela's Anna").
 */
export function withoutEmployers(
  text: string,
  found: readonly Detection[],
  lists: WordLists,
): Detection[] {
  const fullNameStarts = new Set(
    found
      .filter((finding) => /\s/u.test(text.slice(finding.start, finding.end)))
      .map((finding) => finding.start),
  );
  return found.filter((finding) => {
    const value = text.slice(finding.start, finding.end);
    if (/\s/u.test(value) || classifyWord(value, lists) !== 'unknown') return true;
    const gap = POSSESSIVE_GAP.exec(text.slice(finding.end, finding.end + 12));
    return gap === null || !fullNameStarts.has(finding.end + gap[0].length);
  });
}
