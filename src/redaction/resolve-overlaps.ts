import type { Detection } from './detection.js';
import { CLASS_PRIORITY } from './redaction-classes.js';

/**
 * Merges overlapping findings into single spans, computed once on the original text. The
 * merged span covers every overlapping finding whole, so replacing it leaves no fragment of
 * any of them. It takes the class of the surest finding, and on a tie the class that ranks
 * first in CLASS_PRIORITY (operator classes rank after secrets, before personal data); the
 * other classes are kept beside it, so that policy can take the strictest action of all.
 */
export function resolveOverlaps(detections: readonly Detection[]): Detection[] {
  const sorted = [...detections].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Detection[] = [];

  for (const detection of sorted) {
    const last = merged.at(-1);
    if (last === undefined || detection.start >= last.end) {
      merged.push({ ...detection });
      continue;
    }
    last.end = Math.max(last.end, detection.end);
    const classes = new Set([last.className, ...(last.mergedClasses ?? []), detection.className]);
    if (isStronger(detection, last)) {
      last.className = detection.className;
      last.confidence = detection.confidence;
      if (detection.region === undefined) delete last.region;
      else last.region = detection.region;
    }
    classes.delete(last.className);
    if (classes.size > 0) last.mergedClasses = [...classes];
  }
  return merged;
}

const BUILT_IN_RANK = new Map(CLASS_PRIORITY.map((name, index) => [name, index * 10]));
const CUSTOM_RANK = (BUILT_IN_RANK.get('URL_CREDENTIALS') ?? 0) + 5;

function isStronger(candidate: Detection, current: Detection): boolean {
  if (candidate.confidence !== current.confidence) return candidate.confidence > current.confidence;
  return rank(candidate.className) < rank(current.className);
}

function rank(className: string): number {
  return BUILT_IN_RANK.get(className) ?? CUSTOM_RANK;
}
