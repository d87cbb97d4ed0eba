export interface SseLimits {
  /** Longest line accepted; a longer one means the peer is not speaking SSE. */
  maxLineChars: number;
  /** Most data one event may carry, all its `data` lines joined. */
  maxEventChars: number;
}

/**
 * An incremental reader of server-sent events that keeps only what an OpenAI-style stream
 * uses: the `data` of each event. Text can arrive cut anywhere, even inside a line ending.
 * What it holds is bounded twice over: the unfinished line, and the data of the event being
 * read, since an event may spread its data over any number of lines. Going past either limit
 * throws a `RangeError`.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseDataParser {
  /** The unfinished last line of the text seen so far. */
  #partialLine = '';
  /** The data lines of the event being read, joined by "\n" as the spec says. */
  #eventData: string | undefined;
  /** A chunk ended in "\r": a "\n" starting the next one belongs to the same line ending. */
  #isAfterCarriageReturn = false;
  readonly #limits: SseLimits;

  constructor(limits: SseLimits) {
    this.#limits = limits;
  }

  /**
   * Reads the next piece of the stream and returns the data of every event it completes,
   * oldest first (usually none or one).
   */
  push(text: string): string[] {
    const completed: string[] = [];
    let start = this.#isAfterCarriageReturn && text.startsWith('\n') ? 1 : 0;
    this.#isAfterCarriageReturn = false;
    const hasCarriageReturn = text.includes('\r');

    while (start < text.length) {
      const end = hasCarriageReturn ? findLineEnd(text, start) : text.indexOf('\n', start);
      if (end === -1) break;

      this.#readLine(this.#partialLine + text.slice(start, end), completed);
      this.#partialLine = '';
      start = skipLineEnd(text, end);
      if (start === -1) {
        this.#isAfterCarriageReturn = true;
        start = text.length;
      }
    }

    this.#keepPartialLine(text.slice(start));
    return completed;
  }

  #keepPartialLine(rest: string): void {
    if (rest.length === 0) return;

    this.#partialLine += rest;
    const { maxLineChars } = this.#limits;
    if (this.#partialLine.length > maxLineChars) {
      throw new RangeError(`an SSE line is longer than ${maxLineChars} characters`);
    }
  }

  #readLine(line: string, completed: string[]): void {
    if (line.length === 0) {
      if (this.#eventData !== undefined) completed.push(this.#eventData);
      this.#eventData = undefined;
      return;
    }
    if (!line.startsWith('data')) return;

    const value = fieldValue(line);
    if (value !== undefined) this.#appendData(value);
  }

  #appendData(value: string): void {
    const joined = this.#eventData === undefined ? value : `${this.#eventData}\n${value}`;
    const { maxEventChars } = this.#limits;
    if (joined.length > maxEventChars) {
      throw new RangeError(`an SSE event carries more than ${maxEventChars} characters of data`);
    }
    this.#eventData = joined;
  }
}

/** The value of a `data` field line, or undefined when the line names another field. */
function fieldValue(line: string): string | undefined {
  if (line.length === 4) return '';

  const separator = line.charCodeAt(4);
  if (separator !== COLON) return undefined;
  return line.charCodeAt(5) === SPACE ? line.slice(6) : line.slice(5);
}

const COLON = 58;
const SPACE = 32;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;

/** The first "\r" or "\n" from `start`, for the rare peers that end lines with "\r". */
function findLineEnd(text: string, start: number): number {
  const lineFeed = text.indexOf('\n', start);
  const carriageReturn = text.indexOf('\r', start);
  if (carriageReturn === -1) return lineFeed;
  if (lineFeed === -1) return carriageReturn;
  return Math.min(lineFeed, carriageReturn);
}

/** Where the next line starts, or -1 when "\r" ends the text and a "\n" may follow. */
function skipLineEnd(text: string, end: number): number {
  if (text.charCodeAt(end) !== CARRIAGE_RETURN) return end + 1;
  if (end + 1 === text.length) return -1;
  return text.charCodeAt(end + 1) === LINE_FEED ? end + 2 : end + 1;
}
