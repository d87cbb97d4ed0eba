import { MAX_PLACEHOLDER_LENGTH } from './placeholders.js';
import type { PseudonymMap } from './pseudonym-map.js';

/** Text that could still grow into a placeholder: `<`, `<PER`, `<PERSON_1`. */
const PLACEHOLDER_START = /<[A-Z0-9_]*$/u;

/**
 * Restores placeholders in a streamed answer whose chunks may split a placeholder anywhere.
 * A tail that could be the start of a placeholder is held back until the next chunk shows
 * what it is, so no partial placeholder is ever sent; the tail is bounded by the longest
 * placeholder, so the stream never stalls on a stray `<`.
 */
export class StreamRestorer {
  readonly #map: PseudonymMap;
  #pending = '';

  constructor(map: PseudonymMap) {
    this.#map = map;
  }

  /** The text that is safe to send now, restored; may be empty. */
  push(chunk: string): string {
    const text = this.#pending + chunk;
    const tail = PLACEHOLDER_START.exec(text.slice(-MAX_PLACEHOLDER_LENGTH));
    const holdLength = tail === null ? 0 : tail[0].length;

    this.#pending = text.slice(text.length - holdLength);
    return this.#map.restore(text.slice(0, text.length - holdLength));
  }

  /** Whatever is still held back, at the end of the stream. */
  end(): string {
    const rest = this.#pending;
    this.#pending = '';
    return this.#map.restore(rest);
  }
}
