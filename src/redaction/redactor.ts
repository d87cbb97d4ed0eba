import { MoatError } from '../errors/index.js';
import type { Detection, Detector } from './detection.js';
import { foldText } from './fold-text.js';
import type { Direction } from './redaction-classes.js';
import type { RedactionPolicy } from './redaction-policy.js';
import { RedactionSession, type RedactionResult } from './redaction-session.js';
import { resolveOverlaps } from './resolve-overlaps.js';
import { ScanDeadline } from './scan-deadline.js';

export interface RedactorOptions {
  detectors: readonly Detector[];
  policy: RedactionPolicy;
  /** Every class the detectors can report; used to skip scanning when all are allowed. */
  classNames: readonly string[];
  /**
   * Longest time one scan may take. Past it the content is refused, never passed on
   * unchecked. @default 10000
   */
  timeoutMs?: number;
}

/**
 * Finds personal data and secrets and applies policy to them. One instance serves the whole
 * process; per-request state (placeholders) lives in a `RedactionSession`.
 */
export class Redactor {
  readonly policy: RedactionPolicy;
  readonly classNames: readonly string[];
  readonly #detectors: readonly Detector[];
  readonly #detectorsByDirection = new Map<Direction, readonly Detector[]>();
  readonly #timeoutMs: number;

  constructor(options: RedactorOptions) {
    this.policy = options.policy;
    this.classNames = options.classNames;
    this.#detectors = options.detectors;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Every finding in `text` at or above the policy's confidence, overlaps merged; with a
   * `direction`, only by detectors of classes policy acts on in that direction (by default
   * an answer on its way back is looked at for secrets only). Fails
   * closed: a detector that throws or a scan that overruns its time becomes a
   * `redaction_failed` error, and the content goes nowhere.
   */
  async scan(text: string, options: { direction?: Direction } = {}): Promise<Detection[]> {
    if (text.length === 0) return [];
    const detectors = this.#detectorsFor(options.direction);
    if (detectors.length === 0) return [];
    const deadline = new ScanDeadline(performance.now() + this.#timeoutMs);
    const folded = foldText(text);
    const found: Detection[] = [];

    try {
      for (const detector of detectors) {
        const findings = this.#runDetector(detector, folded.text, deadline);
        found.push(...(Array.isArray(findings) ? findings : await findings));
      }
    } finally {
      deadline.clear();
    }
    const sure = found.filter((detection) => detection.confidence >= this.policy.minConfidence);
    return inOriginal(resolveOverlaps(sure), folded.origins);
  }

  #detectorsFor(direction: Direction | undefined): readonly Detector[] {
    if (direction === undefined) return this.#detectors;
    let detectors = this.#detectorsByDirection.get(direction);
    if (detectors === undefined) {
      // A value pseudonymized on its way to the model comes back to the caller, where caller
      // policy applies to every class it holds: those classes are looked for too.
      const directions = direction === 'model' ? (['model', 'caller'] as const) : [direction];
      detectors = this.#detectors.filter((detector) =>
        detector.classNames.some((className) =>
          directions.some((each) => this.policy.actionFor(className, each) !== 'allow'),
        ),
      );
      this.#detectorsByDirection.set(direction, detectors);
    }
    return detectors;
  }

  /** A fresh session for one request: its placeholders are shared by all its texts. */
  openSession(): RedactionSession {
    return new RedactionSession(this);
  }

  /**
   * Applies policy to one text going in `direction`, in a session of its own: the call for
   * content that is not part of a chat, such as an item being saved to memory. Throws
   * `content_blocked` (naming classes only) when policy blocks something found.
   *
   * @example
   * const { text } = await redactor.apply(document, { direction: 'memory' });
   */
  async apply(text: string, options: { direction: Direction }): Promise<RedactionResult> {
    return this.openSession().protect(text, options.direction);
  }

  /**
   * Most detectors answer at once, and are only checked against the deadline afterwards; a
   * promise is raced against it, so a scan whose detectors all answer at once sets no timer.
   */
  #runDetector(
    detector: Detector,
    text: string,
    deadline: ScanDeadline,
  ): Detection[] | Promise<Detection[]> {
    let findings: Detection[] | Promise<Detection[]>;
    try {
      findings = detector.detect(text);
    } catch (error) {
      throw new MoatError('redaction_failed', { cause: error });
    }
    if (!Array.isArray(findings)) return this.#awaitDetector(detector, findings, deadline);
    deadline.check(detector);
    return findings;
  }

  async #awaitDetector(
    detector: Detector,
    pending: Promise<Detection[]>,
    deadline: ScanDeadline,
  ): Promise<Detection[]> {
    let findings: Detection[];
    try {
      findings = await deadline.race(pending);
    } catch (error) {
      throw new MoatError('redaction_failed', { cause: error });
    }
    deadline.check(detector);
    return findings;
  }
}

/**
 * Findings in the folded text as spans of the original, hidden characters inside included. A
 * character folded into several (`⒈` into `1.`) is covered whole when a finding takes any
 * part of it, so no piece of it is left beside the replacement.
 */
function inOriginal(findings: Detection[], origins: Int32Array | undefined): Detection[] {
  if (origins === undefined) return findings;
  return findings.map((finding) => {
    let end = finding.end;
    while (end > 0 && end < origins.length - 1 && origins[end] === origins[end - 1]) end++;
    return {
      ...finding,
      start: origins[finding.start] ?? finding.start,
      end: origins[end] ?? finding.end,
    };
  });
}
