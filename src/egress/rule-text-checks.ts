/**
 * Checks on the words of a rule: a justification must give a reason and an approval must
 * name someone. Both are read by people deciding whether a destination may stay, so text
 * that only looks filled in is refused.
 */

/** Words that stand in for text without being any. */
const PLACEHOLDER_WORDS = new Set([
  'todo',
  'tbd',
  'tba',
  'tbc',
  'na',
  'n/a',
  'none',
  'nil',
  'null',
  'fixme',
  'xxx',
  'wip',
  'test',
  'testing',
  'temp',
  'temporary',
  'placeholder',
  'misc',
  'later',
  'soon',
  'pending',
  'unknown',
  'lorem',
  'ipsum',
  'dolor',
  'foo',
  'bar',
  'baz',
  'blah',
  'asdf',
  'qwerty',
  'dummy',
  'reason',
  'justification',
]);

/**
 * Marks that say the text is still to be written. One is enough to refuse: a real reason
 * never needs one, and a reason followed by "todo" is a draft.
 */
const PLACEHOLDER_MARKS = [
  /\b(?:todo|tbd|tba|tbc|fixme|wip|lorem ipsum|placeholder|asdf|qwerty)\b/,
  /\bx{3,}\b/,
  /(?:^|[^a-z0-9])n[/.]a(?![a-z0-9])/,
  /\bfill(?:ed|ing)?\s+(?:\w+\s+){0,2}?in\b/,
  /\bto be (?:filled|decided|determined|defined|added|written|confirmed|completed|clarified)\b/,
  new RegExp(
    String.raw`\bsee\s+(?:the\s+)?(?:ticket|jira|issue|link|url|doc|docs|wiki|confluence|` +
      String.raw`above|below|email|thread|chat|slack|attachment)\b`,
  ),
  new RegExp(
    String.raw`\b(?:add|write|explain|update|document|complete|finish|decide|clarify|justify)` +
      String.raw`\w*\b.{0,30}\blater\b`,
  ),
  /\b(?:details|reason|more|explanation|justification|info)\b.{0,15}\b(?:later|to follow|soon)\b/,
];

/**
 * Words that carry no reason by themselves: grammar, and the generic words of "this
 * connection is needed". A justification needs words beyond these and the placeholders.
 */
const FILLER_WORDS = new Set(
  (
    'a an and are as at be been by for from has have i in is it its of on or our so that the ' +
    'there this to us was we were will with per because need needs needed required requires ' +
    'require access allow allows allowed connect connects connection connections egress rule ' +
    'destination please just some thing things stuff etc ticket jira issue link see work works'
  ).split(' '),
);

/** Ticket ids (`SEC-20251`, `#123`) and links point at a reason; they are not one. */
const REFERENCES = [/\b[a-z][a-z0-9]*-\d+\b/g, /#\d+\b/g, /\bhttps?:\/\/\S+/g];

const MIN_JUSTIFICATION_WORDS = 3;
const MIN_JUSTIFICATION_CHARACTERS = 20;
const MIN_REASON_WORDS = 2;

/** Why a justification cannot be accepted, or undefined when it reads as a real reason. */
export function whyJustificationIsWeak(text: string): string | undefined {
  const lower = text.toLowerCase();
  const words = wordsOf(lower);
  const reasonWords = new Set(
    wordsOf(withoutReferences(lower)).filter(
      (word) => !PLACEHOLDER_WORDS.has(word) && !FILLER_WORDS.has(word),
    ),
  );

  if (PLACEHOLDER_MARKS.some((mark) => mark.test(lower)) || reasonWords.size === 0) {
    return 'is a placeholder, not a reason; say why Moat must reach this destination';
  }
  if (words.length < MIN_JUSTIFICATION_WORDS || text.trim().length < MIN_JUSTIFICATION_CHARACTERS) {
    return `must say in a sentence (at least ${MIN_JUSTIFICATION_WORDS} words) why it is needed`;
  }
  if (reasonWords.size < MIN_REASON_WORDS) {
    return 'gives no reason; say what runs at this destination and why Moat must reach it';
  }
  return undefined;
}

/** Who may stand for an approval without naming anyone. */
const PLACEHOLDER_APPROVERS = new Set([
  ...PLACEHOLDER_WORDS,
  'me',
  'myself',
  'self',
  'someone',
  'somebody',
  'anyone',
  'anybody',
  'nobody',
  'noone',
  'approver',
  'approved',
  'name',
  'yes',
  'ok',
]);

/** Why an `approvedBy` cannot be accepted, or undefined when it names someone. */
export function whyApproverIsWeak(text: string): string | undefined {
  const lower = text.toLowerCase();
  const words = wordsOf(lower);
  const isPlaceholder =
    PLACEHOLDER_MARKS.some((mark) => mark.test(lower)) ||
    words.every((word) => PLACEHOLDER_APPROVERS.has(word)) ||
    !/\p{L}{2}/u.test(text);
  return isPlaceholder
    ? 'is a placeholder; name the person or role who approved the rule'
    : undefined;
}

function wordsOf(lower: string): string[] {
  return lower.split(/[\s,.;:!?()"'\-_]+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
}

function withoutReferences(lower: string): string {
  return REFERENCES.reduce((text, pattern) => text.replace(pattern, ' '), lower);
}
