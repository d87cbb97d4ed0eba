import type { Detection } from './detection.js';
import { splitJson } from './split-json.js';

/** A text to protect, and whether it is JSON (tool-call arguments, a tool's result). */
export interface ProtectedText {
  text: string;
  isJson: boolean;
}

/** One piece of a text: what is scanned, what stands in the text, how changes are written. */
export interface TextPiece {
  /** The piece as detectors and replacements see it: a JSON string decoded. */
  text: string;
  /** The piece as it stands in the original text. */
  raw: string;
  /** How a replacement is written into the piece. */
  quote: (replacement: string) => string;
  /** How the piece's protected text is written back into the original. */
  write: (protectedText: string) => string;
}

/** A text as the detectors read it, and where each piece's own text lies in it. */
export interface ScanView {
  text: string;
  spans: readonly { piece: TextPiece; start: number }[];
}

const asItIs = (text: string): string => text;

/** A piece that is its own text and is written back as it is. */
export function plainPiece(text: string): TextPiece {
  return { text, raw: text, quote: asItIs, write: asItIs };
}

/**
 * What detectors scan for one text. Plain text is one piece. JSON is read with every string
 * decoded in place, keys included, so a detector sees a value beside its key
 * (`"password": …`), a number beside the words that say what it is, and an address escaped
 * as `\u0040` as the address it is. Each string is a piece written back escaped; what lies
 * between strings is a piece written back as it stands, a replacement there written as a
 * JSON string, so the JSON stays as valid as it was.
 */
export function scanViewOf({ text, isJson }: ProtectedText): ScanView {
  if (!isJson) return { text, spans: [{ piece: plainPiece(text), start: 0 }] };
  let view = '';
  const spans: { piece: TextPiece; start: number }[] = [];
  for (const segment of splitJson(text)) {
    if (segment.kind === 'between') {
      // A stretch holding a quote holds a string that never closed: it is not JSON anyway.
      const quote = segment.raw.includes('"') ? asItIs : JSON.stringify;
      spans.push({ piece: { ...plainPiece(segment.raw), quote }, start: view.length });
      // A comma between numbers reads as a thousands separator to the card and phone
      // detectors; a line break of the same length keeps the numbers of a list apart.
      view += segment.raw.replaceAll(',', '\n');
      continue;
    }
    view += '"';
    const piece = { text: segment.decoded, raw: segment.raw, quote: asItIs, write: JSON.stringify };
    spans.push({ piece, start: view.length });
    view += `${segment.decoded}"`;
  }
  return { text: view, spans };
}

/**
 * Each finding cut to the pieces it covers, in each piece's own offsets. Between JSON
 * strings, a finding is widened to the whole number it lies in (`4111111111111111e2`), so
 * its replacement never leaves part of a number beside it.
 */
export function findingsBySpan(view: ScanView, findings: readonly Detection[]): Detection[][] {
  return view.spans.map(({ piece, start }) => {
    const end = start + piece.text.length;
    const isBetween = piece.quote !== asItIs;
    const cut = findings
      .filter((finding) => finding.start < end && finding.end > start)
      .map((finding) => ({
        ...finding,
        start: Math.max(finding.start, start) - start,
        end: Math.min(finding.end, end) - start,
      }));
    return isBetween ? widenToNumbers(piece.text, cut) : cut;
  });
}

const NUMBER_CHARACTER = /[\d.eE+-]/u;

/** Findings in order, each widened; one that the widening of the one before covers is dropped. */
function widenToNumbers(text: string, findings: readonly Detection[]): Detection[] {
  const widened: Detection[] = [];
  for (const finding of findings) {
    let { start, end } = finding;
    while (start > 0 && NUMBER_CHARACTER.test(text[start - 1] ?? '')) start--;
    while (end < text.length && NUMBER_CHARACTER.test(text[end] ?? '')) end++;
    const previous = widened.at(-1);
    if (previous !== undefined && start < previous.end) continue;
    widened.push({ ...finding, start, end });
  }
  return widened;
}
