import { MoatError } from '../../errors/index.js';

/** What the pool needs of an engine sequence: a way to forget the last request's text. */
export interface ClearableSequence {
  clearHistory(): Promise<void>;
}

interface Waiter<Sequence> {
  resolve: (sequence: Sequence) => void;
  reject: (error: MoatError) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * Hands out a context's sequences one request at a time. Requests beyond the number of
 * sequences wait in arrival order, up to `maxQueuedRequests` of them; past that, a request
 * is refused at once with `model_busy`. A waiter whose signal aborts leaves the line at once.
 */
export class SequencePool<Sequence extends ClearableSequence> {
  readonly #idle: Sequence[];
  readonly #waiters: Waiter<Sequence>[] = [];
  readonly #maxQueuedRequests: number;
  #isClosed = false;

  constructor(sequences: readonly Sequence[], maxQueuedRequests: number) {
    this.#idle = [...sequences];
    this.#maxQueuedRequests = maxQueuedRequests;
  }

  /** Resolves with a sequence whose history is empty. */
  acquire(signal: AbortSignal): Promise<Sequence> {
    if (this.#isClosed) return Promise.reject(new MoatError('shutting_down'));
    if (signal.aborted) return Promise.reject(new MoatError('client_closed_request'));
    const sequence = this.#idle.pop();
    if (sequence !== undefined) return Promise.resolve(sequence);
    if (this.#waiters.length >= this.#maxQueuedRequests) {
      return Promise.reject(new MoatError('model_busy'));
    }

    return new Promise((resolve, reject) => {
      const waiter: Waiter<Sequence> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new MoatError('client_closed_request'));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /**
   * Takes a sequence back. Its history is cleared first, so that nothing of one request's
   * text stays in the engine for the next, and no request can time another's prompt.
   */
  async release(sequence: Sequence): Promise<void> {
    const isCleared = await sequence.clearHistory().then(
      () => true,
      () => false,
    );
    // A sequence that cannot be cleared (its context is being disposed) is not handed out again.
    if (!isCleared) return;

    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#idle.push(sequence);
      return;
    }
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(sequence);
  }

  /** Refuses new requests and turns everyone still waiting away. */
  close(): void {
    this.#isClosed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new MoatError('shutting_down'));
    }
  }

  /** Requests waiting for a sequence now. */
  get waitingCount(): number {
    return this.#waiters.length;
  }
}
