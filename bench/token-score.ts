import type { Detection } from '../src/redaction/index.js';

/** Token counts of one class, or of "any personal data" when classes are not compared. */
export interface TokenCounts {
  truePositives: number;
  predicted: number;
  labelled: number;
}

export const emptyTokenCounts = (): TokenCounts => ({
  truePositives: 0,
  predicted: 0,
  labelled: 0,
});

/** A class span of the sentence, end exclusive. */
export interface ClassSpan {
  className: string;
  start: number;
  end: number;
}

/** Letters, marks and digits in a row; whitespace and punctuation split tokens, uncounted. */
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Scores one sentence per token, as Presidio's evaluator does: every token gets the class of
 * the labelled span it lies in (or none) and the class of the finding it lies in (or none).
 * A token counts for a class when label and finding agree on it; for "any personal data"
 * when both give it some scored class, whichever.
 */
export function scoreTokens(
  text: string,
  spans: { labels: readonly ClassSpan[]; found: readonly Detection[] },
  into: { perClass: Map<string, TokenCounts>; any: TokenCounts },
): void {
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index;
    const end = start + match[0].length;
    const token = { start, end };
    const label = classAt(spans.labels, token, into.perClass);
    const predicted = classAt(spans.found, token, into.perClass);

    if (label !== undefined) count(into.perClass, label, 'labelled');
    if (predicted !== undefined) count(into.perClass, predicted, 'predicted');
    if (label !== undefined && label === predicted) count(into.perClass, label, 'truePositives');

    if (label !== undefined) into.any.labelled++;
    if (predicted !== undefined) into.any.predicted++;
    if (label !== undefined && predicted !== undefined) into.any.truePositives++;
  }
}

/** The scored class of the first span that shares a character with the token. */
function classAt(
  spans: readonly ClassSpan[],
  token: { start: number; end: number },
  scored: ReadonlyMap<string, TokenCounts>,
): string | undefined {
  const span = spans.find(
    (candidate) =>
      candidate.start < token.end && candidate.end > token.start && scored.has(candidate.className),
  );
  return span?.className;
}

function count(perClass: Map<string, TokenCounts>, className: string, field: keyof TokenCounts) {
  const counts = perClass.get(className);
  if (counts !== undefined) counts[field]++;
}
