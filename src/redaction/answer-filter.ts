import type { RedactionSession } from './redaction-session.js';

/** Below this much text a streamed answer is held until a space shows a word is whole. */
const MAX_HELD_CHARS = 256;
/**
 * How much of the text already sent is scanned again in front of the next piece, so that a
 * value is still recognised when the words that make it one came in an earlier piece
 * ("password =" then the password).
 */
const CONTEXT_CHARS = 128;
/** A private-key block is held whole up to this size, so its body is never sent unscanned. */
const MAX_HELD_BLOCK_CHARS = 64 * 1024;

const BLOCK_START = '-----BEGIN ';
const BLOCK_END = /-----END [^\n]*?-----/u;

/**
 * Policy for a streamed answer on its way back to the caller, then restoring of the
 * request's placeholders. Text is released at word boundaries only, so a token-like value
 * (a key, an email address) is never cut in two between scans; at most MAX_HELD_CHARS are
 * held when no space comes, and a private-key block is held until it ends. Each piece is
 * scanned after the end of the text already sent, and only the new piece is changed.
 * Placeholders split between chunks are handled by the restorer.
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
    const text = this.#held + chunk;
    const cut = cutAt(text);
    this.#held = text.slice(cut);
    return this.#release(text.slice(0, cut));
  }

  /** Whatever is still held, at the end of the answer. */
  async end(): Promise<string> {
    const rest = this.#held;
    this.#held = '';
    const released = this.#isScanning ? await this.#release(rest) : this.#restorer.push(rest);
    return released + this.#restorer.end();
  }

  async #release(text: string): Promise<string> {
    if (text.length === 0) return '';
    const shown = await this.#session.protectAfter(this.#sentTail, text, 'caller');
    this.#sentTail = (this.#sentTail + text).slice(-CONTEXT_CHARS);
    return this.#restorer.push(shown);
  }
}

/**
 * Where held text may be cut: before a key block that has not ended yet, else after the
 * last white space, unless the word after it is already longer than any value.
 */
function cutAt(text: string): number {
  const blockStart = text.lastIndexOf(BLOCK_START);
  const blockEnd = blockStart < 0 ? null : BLOCK_END.exec(text.slice(blockStart));
  if (blockStart >= 0 && blockEnd === null) {
    // A "block" larger than any key is not held further.
    if (text.length - blockStart > MAX_HELD_BLOCK_CHARS) return text.length;
    return lastSpace(text.slice(0, blockStart));
  }
  const space = lastSpace(text);
  // A block that has ended goes out whole, its end line included.
  const afterBlock = blockEnd === null ? 0 : blockStart + blockEnd.index + blockEnd[0].length;
  if (afterBlock > space) return afterBlock;
  return text.length - space > MAX_HELD_CHARS ? text.length : space;
}

function lastSpace(text: string): number {
  const index = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n'), text.lastIndexOf('\t'));
  return index < 0 ? 0 : index + 1;
}
