import type { Detection, Detector } from '../detection.js';

const LOCAL = String.raw`[\p{L}\p{N}!#$%&'*+/=?^_{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_{|}~-]+)*`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?`;
const TOP_LEVEL = String.raw`\p{L}{2,24}`;

/**
 * `name@example.com`; the domain needs a dot and a top-level label, so `info@example.`
 * fails. Sticky: it is tried only where a local part ends at an `@`, never at every word.
 */
const PLAIN_EMAIL = new RegExp(
  String.raw`${LOCAL}@(?:${LABEL}\.)+${TOP_LEVEL}(?![\p{L}\p{N}-]|\.[\p{L}\p{N}])`,
  'yu',
);
const LOCAL_CHARACTER = /[\p{L}\p{N}!#$%&'*+/=?^_{|}~.-]/u;
const MAX_LOCAL_LENGTH = 64;

const AT = String.raw`\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*`;
const DOT = String.raw`\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*`;
const SPELLED_DOT = String.raw`(?:${DOT}|\s+dot\s+|\.)`;

/** `name [at] example [dot] com`, `name (at) example.com`, `name at example dot com`. */
const OBFUSCATED_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+-])${LOCAL}(?:${AT}|\s+at\s+)${LABEL}(?:${SPELLED_DOT}${LABEL})*` +
    String.raw`(?:${DOT}|\s+dot\s+)(?:com|org|net|edu|gov|io|de|fr|uk|co|info|biz|eu|nl|es|it)` +
    String.raw`(?![\p{L}\p{N}])`,
  'giu',
);

/**
 * Every obfuscated form spells its last dot as a word or in brackets; text with neither is
 * not scanned for them, which spares a pattern tried at every position of a long document.
 */
const OBFUSCATED_PREFILTER = /[dD][oO][tT]|[[({<]\s*\.\s*[\])}>]/u;

/** Email addresses, plain, obfuscated with `[at]`/`[dot]`, or in full-width forms. */
export class EmailDetector implements Detector {
  readonly name = 'email';
  readonly classNames = ['EMAIL_ADDRESS'] as const;

  detect(text: string): Detection[] {
    const found: Detection[] = [];
    if (text.includes('@')) found.push(...plainEmails(text));
    if (OBFUSCATED_PREFILTER.test(text)) found.push(...obfuscatedEmails(text));
    return found;
  }
}

function plainEmails(text: string): Detection[] {
  const found: Detection[] = [];
  let searchFrom = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at < searchFrom) continue;
    const start = localPartStart(text, at, searchFrom);
    if (start === at) continue;
    PLAIN_EMAIL.lastIndex = start;
    const match = PLAIN_EMAIL.exec(text);
    if (match === null) continue;
    found.push({
      className: 'EMAIL_ADDRESS',
      start,
      end: start + match[0].length,
      confidence: 0.95,
    });
    searchFrom = start + match[0].length;
  }
  return found;
}

/**
 * Where the local part before the `@` at `at` begins: walked back character by character,
 * at most 64, not before `floor`; leading dots are not part of it.
 */
function localPartStart(text: string, at: number, floor: number): number {
  const limit = Math.max(floor, at - MAX_LOCAL_LENGTH);
  let start = at;
  while (start > limit && LOCAL_CHARACTER.test(text[start - 1] ?? '')) start--;
  while (start < at && text[start] === '.') start++;
  return start;
}

function obfuscatedEmails(text: string): Detection[] {
  return [...text.matchAll(OBFUSCATED_EMAIL)].map((match) => ({
    className: 'EMAIL_ADDRESS',
    start: match.index,
    end: match.index + match[0].length,
    confidence: 0.85,
  }));
}
