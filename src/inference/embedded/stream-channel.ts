/**
 * Carries values from callbacks (the engine's text chunks) to one async iterator. Values
 * buffer until they are read; a failure drops what is buffered and ends the iteration with
 * the error at once, so that an abort is not held up behind text nobody will read.
 */
export class StreamChannel<T> {
  readonly #buffered: T[] = [];
  #wake: (() => void) | undefined;
  #isClosed = false;
  #failure: { error: unknown } | undefined;

  push(value: T): void {
    if (this.#isClosed) return;
    this.#buffered.push(value);
    this.#notify();
  }

  close(): void {
    this.#isClosed = true;
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = { error };
    this.#buffered.length = 0;
    this.close();
  }

  async *drain(): AsyncGenerator<T, void, undefined> {
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure.error;
      const next = this.#buffered.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#isClosed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
