const HIGH_SURROGATE = /[\uD800-\uDBFF]$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes sure every streamed delta is well-formed text, so that each one encodes to valid
 * UTF-8 by itself. The engine already holds back tokens that end inside a multi-byte
 * character; this guard also keeps a surrogate pair from being split between two deltas,
 * which can happen when a stop sequence is matched on a text offset.
 */
export class TextDeltaGuard {
  private carried = '';

  /** Returns the part of `text` that is safe to send now; may be empty. */
  push(text: string): string {
    const joined = this.carried + text;
    const isSplit = HIGH_SURROGATE.test(joined);
    this.carried = isSplit ? joined.slice(-1) : '';
    const ready = isSplit ? joined.slice(0, -1) : joined;
    return ready.replace(LONE_SURROGATE, '\uFFFD');
  }

  /** Whatever is still held at the end: half a pair can never become a character now. */
  flush(): string {
    const rest = this.carried;
    this.carried = '';
    return rest === '' ? '' : '\uFFFD';
  }
}
