/**
 * Runs a global pattern over `text` and lets `measure` decide how much of each candidate is
 * a real finding. Scanning resumes right after a finding, or just past the candidate's
 * first group after a miss, so that a greedy candidate never hides a finding inside it.
 */
export function scanCandidates(
  pattern: RegExp,
  text: string,
  measure: (candidate: string, start: number) => number | undefined,
): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  pattern.lastIndex = 0;

  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    const length = measure(match[0], start);
    if (length === undefined) {
      pattern.lastIndex = start + nextGroupOffset(match[0]);
      continue;
    }
    spans.push({ start, end: start + length });
    pattern.lastIndex = start + Math.max(1, length);
  }
  return spans;
}

function nextGroupOffset(candidate: string): number {
  const separator = candidate.search(/[\s-]/u);
  return separator > 0 ? separator + 1 : candidate.length;
}
