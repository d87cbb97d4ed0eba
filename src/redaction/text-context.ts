/** How far before a finding context words are looked for, in characters. */
export const CONTEXT_WINDOW_CHARS = 40;

/**
 * The lowercased text just before `start`, where words such as "ssn" or "phone" tell what a
 * number is. Bounded, so a long document costs the same per finding as a short one.
 */
export function textBefore(text: string, start: number, windowChars = CONTEXT_WINDOW_CHARS) {
  return text.slice(Math.max(0, start - windowChars), start).toLowerCase();
}

/** True when any of `words` appears in the window before `start`. */
export function hasContextBefore(text: string, start: number, words: readonly string[]): boolean {
  const before = textBefore(text, start);
  return words.some((word) => before.includes(word));
}

/** Digits only, in order: what checksums and length rules are computed on. */
export function digitsOf(value: string): string {
  return value.replace(/\D/gu, '');
}

/** Numbers-only classes skip text without a single digit at once. */
export const HAS_DIGIT = /\d/u;
