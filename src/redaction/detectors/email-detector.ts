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
const LOCAL_TAIL = /[\p{L}\p{N}!#$%&'*+/=?^_{|}~.-]{1,64}$/u;

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

/** Email addresses, plain, obfuscated with `[at]`/`[dot]`, or in full-width forms. */
export class EmailDetector implements Detector {
  readonly name = 'email';

  detect(text: string): Detection[] {
    const found: Detection[] = [];
    if (text.includes('@')) found.push(...plainEmails(text));
    if (/\bat\b/iu.test(text)) found.push(...obfuscatedEmails(text));
    return found;
  }
}

function plainEmails(text: string): Detection[] {
  const found: Detection[] = [];
  let searchFrom = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    if (at < searchFrom) continue;
    const tail = LOCAL_TAIL.exec(text.slice(Math.max(searchFrom, at - 64), at));
    if (tail === null) continue;
    const start = at - tail[0].replace(/^\.+/u, '').length;
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

function obfuscatedEmails(text: string): Detection[] {
  return [...text.matchAll(OBFUSCATED_EMAIL)].map((match) => ({
    className: 'EMAIL_ADDRESS',
    start: match.index,
    end: match.index + match[0].length,
    confidence: 0.85,
  }));
}
