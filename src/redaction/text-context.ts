/** How far before a finding context words are looked for, in characters. */
export const CONTEXT_WINDOW_CHARS = 40;

/**
 * The lowercased text just before `start`, where words such as "ssn" or "phone" tell what a
 * number is. Bounded, so a long document costs the same per finding as a short one.
 */
export function textBefore(text: string, start: number, windowChars = CONTEXT_WINDOW_CHARS) {
  return text.slice(Math.max(0, start - windowChars), start).toLowerCase();
}

/**
 * True when any of `words` begins a word in the window before `start`: "tel" counts in
 * "tel." and "telephone", not in "hotel"; "card" not in "postcard". Words are prefixes, so
 * "appel" still finds "appelez".
 */
export function hasContextBefore(text: string, start: number, words: readonly string[]): boolean {
  const before = textBefore(text, start);
  return words.some((word) => beginsAWordIn(before, word));
}

const LETTER = /\p{L}/u;

function beginsAWordIn(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (at === 0 || !LETTER.test(text[at - 1] ?? '')) return true;
  }
  return false;
}

/** Digits only, in order: what checksums and length rules are computed on. */
export function digitsOf(value: string): string {
  return value.replace(/\D/gu, '');
}

/** Numbers-only classes skip text without a single digit at once. */
export const HAS_DIGIT = /\d/u;
