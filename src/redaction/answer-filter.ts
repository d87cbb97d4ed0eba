import type { RedactionSession } from './redaction-session.js';

/** Below this much text a streamed answer is held until a space shows a word is whole. */
const MAX_HELD_CHARS = 256;

/**
 * Policy for a streamed answer on its way back to the caller, then restoring of the
 * request's placeholders. Text is released at word boundaries only, so a token-like value
 * (a key, an email address) is never cut in two between scans; at most MAX_HELD_CHARS are
 * held when no space comes. Placeholders split between chunks are handled by the restorer.
 */
export class AnswerFilter {
  readonly #session: RedactionSession;
  readonly #restorer;
  readonly #isScanning: boolean;
  #held = '';

  constructor(session: RedactionSession) {
    this.#session = session;
    this.#restorer = session.streamRestorer();
    this.#isScanning = !session.allowsEverything('caller');
  }

  /** The part of the answer that is safe to send now; may be empty. */
  async push(chunk: string): Promise<string> {
    if (!this.#isScanning) return this.#restorer.push(chunk);
    const text = this.#held + chunk;
    const cut = text.length > MAX_HELD_CHARS ? text.length : lastSpace(text);
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
    const shown = await this.#session.protect(text, 'caller');
    return this.#restorer.push(shown.text);
  }
}

function lastSpace(text: string): number {
  const index = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n'), text.lastIndexOf('\t'));
  return index < 0 ? 0 : index + 1;
}
