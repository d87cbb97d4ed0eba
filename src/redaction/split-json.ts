/**
 * JSON text (tool-call arguments, tool results) cut into the pieces redaction treats
 * differently: string values, whose decoded text is scanned and written back escaped;
 * object keys, which pass as they are; and everything between them (numbers, punctuation,
 * literals), which is scanned as it stands. Everything not replaced keeps its exact bytes,
 * so a number too large for a double is never rewritten.
 *
 * The cut needs no valid JSON: a model's arguments may be cut short or malformed, and are
 * still protected. A string that never closes, or holds an escape JSON does not know, is
 * left in the stretch around it.
 */

export type JsonSegment =
  | { kind: 'value'; raw: string; decoded: string }
  | { kind: 'key'; raw: string; decoded: string }
  | { kind: 'between'; raw: string };

export function splitJson(text: string): JsonSegment[] {
  const segments: JsonSegment[] = [];
  let betweenStart = 0;
  let at = text.indexOf('"');
  while (at >= 0) {
    const end = closingQuote(text, at);
    if (end < 0) break;
    const raw = text.slice(at, end + 1);
    const decoded = decode(raw);
    if (decoded === undefined) {
      at = text.indexOf('"', end + 1);
      continue;
    }

    if (at > betweenStart) segments.push({ kind: 'between', raw: text.slice(betweenStart, at) });
    segments.push({ kind: isKey(text, end + 1) ? 'key' : 'value', raw, decoded });
    betweenStart = end + 1;
    at = text.indexOf('"', betweenStart);
  }
  if (betweenStart < text.length) segments.push({ kind: 'between', raw: text.slice(betweenStart) });
  return segments;
}

/** The index of the quote that closes the string opened at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    const character = text[at];
    if (character === '\\') at++;
    else if (character === '"') return at;
  }
  return -1;
}

function decode(raw: string): string | undefined {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return undefined;
  }
}

/** A string is a key when the next character that is not white space is a colon. */
function isKey(text: string, from: number): boolean {
  for (let at = from; at < text.length; at++) {
    const character = text[at];
    if (character === ':') return true;
    if (character !== ' ' && character !== '\t' && character !== '\n' && character !== '\r') {
      return false;
    }
  }
  return false;
}
