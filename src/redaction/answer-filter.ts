import { foldText } from './fold-text.js';
import type { RedactionSession } from './redaction-session.js';

/**
 * How much of a streamed answer is always held back, so that a value holding spaces (a
 * grouped card or phone number, an IBAN, a passphrase) is still whole in the text scanned
 * when its first words are released. Counted in characters as detectors read them.
 */
const HELD_TAIL_CHARS = 64;
/** A run without white space is held whole up to this length: a token is never cut shorter. */
const MAX_WORD_CHARS = 4096;
/**
 * How much of the text already sent is scanned again in front of the next piece, so that a
 * value is still recognised when the words that make it one came in an earlier piece
 * ("password =" then the password). Counted, like the tail, as detectors read it.
 */
const CONTEXT_CHARS = 128;
/** A private-key block is held whole up to this size, so its body is never sent unscanned. */
const MAX_HELD_BLOCK_CHARS = 64 * 1024;

const BLOCK_START = '-----BEGIN ';
const BLOCK_END = /-----END [^\n]*?-----/u;

/**
 * Policy for a streamed answer on its way back to the caller, then restoring of the
 * request's placeholders. Text is released at white space, never inside a word or a
 * finding, and always HELD_TAIL_CHARS behind the newest text; a run without white space is
 * held up to MAX_WORD_CHARS, and a private-key block until it ends. Each piece is scanned
 * together with the end of the text already sent and the text still held, and only the
 * piece is changed. Placeholders split between chunks are handled by the restorer.
 */
export class AnswerFilter {
  readonly #session: RedactionSession;
  readonly #restorer;
  readonly #isScanning: boolean;
  #held = '';
  #sentTail = '';

  constructor(session: RedactionSession) {
    this.#session = session;
    this.#restorer = session.streamRestorer();
    this.#isScanning = !session.allowsEverything('caller');
  }

  /** The part of the answer that is safe to send now; may be empty. */
  async push(chunk: string): Promise<string> {
    if (!this.#isScanning) return this.#restorer.push(chunk);
    this.#held += chunk;
    return this.#release(cutAt(this.#held));
  }

  /** Whatever is still held, at the end of the answer. */
  async end(): Promise<string> {
    const released = this.#isScanning
      ? await this.#release(this.#held.length)
      : this.#restorer.push(this.#held);
    this.#held = '';
    return released + this.#restorer.end();
  }

  async #release(limit: number): Promise<string> {
    if (limit === 0) return '';
    const context = this.#sentTail;
    const stream = { context, text: this.#held, limit };
    const piece = await this.#session.protectPrefix(stream, 'caller');
    const sent = this.#held.slice(0, piece.taken);
    this.#held = this.#held.slice(piece.taken);
    const sentSoFar = context + sent;
    this.#sentTail = sentSoFar.slice(startOfLast(sentSoFar, CONTEXT_CHARS));
    return this.#restorer.push(piece.text);
  }
}

/**
 * How much of the held text may go: up to the last white space at least HELD_TAIL_CHARS
 * before its end, or before a key block that has not ended yet; a run without white space
 * longer than any token goes up to the tail.
 */
function cutAt(text: string): number {
  const blockStart = text.lastIndexOf(BLOCK_START);
  const blockEnd = blockStart < 0 ? null : BLOCK_END.exec(text.slice(blockStart));
  if (blockStart >= 0 && blockEnd === null) {
    // A "block" larger than any key is not held further.
    if (text.length - blockStart > MAX_HELD_BLOCK_CHARS) return text.length;
    return lastSpace(text.slice(0, Math.min(blockStart, startOfLast(text, HELD_TAIL_CHARS))));
  }
  const limit = startOfLast(text, HELD_TAIL_CHARS);
  if (limit <= 0) return 0;
  const space = lastSpace(text.slice(0, limit));
  return space === 0 && limit > MAX_WORD_CHARS ? limit : space;
}

/**
 * Where the last `count` characters of `text` begin, counted as the detectors read them:
 * characters folding leaves out (zero-width spaces, stacked marks) do not count, or padding
 * a value with them would stretch it past what is held back or scanned again. Never more
 * than MAX_WORD_CHARS back, so that a flood of them is not held without end.
 */
function startOfLast(text: string, count: number): number {
  const folded = foldText(text);
  const start = folded.text.length - count;
  const visibleStart = start <= 0 ? 0 : (folded.origins?.[start] ?? start);
  return Math.max(visibleStart, text.length - MAX_WORD_CHARS);
}

function lastSpace(text: string): number {
  const index = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n'), text.lastIndexOf('\t'));
  return index < 0 ? 0 : index + 1;
}
