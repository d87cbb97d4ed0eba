/** One finding: a class and a span of the original text, end exclusive. */
export interface Detection {
  className: string;
  start: number;
  end: number;
  /** How sure the detector is, from 0 to 1; policy ignores findings below its threshold. */
  confidence: number;
  /** For phone numbers: the region the number belongs to, when known. */
  region?: string;
  /**
   * The classes of other findings merged into this span (see `resolveOverlaps`): policy
   * takes the strictest action of all of them.
   */
  mergedClasses?: readonly string[];
}

/** A detector looks at the whole text and returns its findings in any order. */
export interface Detector {
  /** A name for metrics and errors; never derived from content. */
  readonly name: string;
  /**
   * Every class the detector can report. A scan for a direction in which policy allows all
   * of them does not run the detector.
   */
  readonly classNames: readonly string[];
  detect(text: string): Detection[] | Promise<Detection[]>;
}
