import { MoatError } from '../errors/index.js';
import type { Detector } from './detection.js';

/** One scan's time limit: a single timer, started only when a detector goes asynchronous. */
export class ScanDeadline {
  readonly #deadlineMs: number;
  #timer: NodeJS.Timeout | undefined;
  #expired: Promise<never> | undefined;

  constructor(deadlineMs: number) {
    this.#deadlineMs = deadlineMs;
  }

  /** Fails the scan when a detector has run past the deadline. */
  check(detector: Detector): void {
    if (performance.now() > this.#deadlineMs) {
      throw new MoatError('redaction_failed', { cause: new Error(`${detector.name} overran`) });
    }
  }

  race<Value>(work: Promise<Value>): Promise<Value> {
    this.#expired ??= new Promise<never>((_, reject) => {
      const remainingMs = Math.max(0, this.#deadlineMs - performance.now());
      this.#timer = setTimeout(() => {
        reject(new Error('redaction scan timed out'));
      }, remainingMs);
    });
    return Promise.race([work, this.#expired]);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
