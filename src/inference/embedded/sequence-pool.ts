import type { LlamaContextSequence } from 'node-llama-cpp';
import { MoatError } from '../../errors/index.js';

interface Waiter {
  resolve: (sequence: LlamaContextSequence) => void;
  reject: (error: MoatError) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * Hands out a context's sequences one request at a time. Requests beyond the number of
 * sequences wait in arrival order; a waiter whose signal aborts leaves the queue at once.
 */
export class SequencePool {
  private readonly idle: LlamaContextSequence[];
  private readonly waiters: Waiter[] = [];
  private isClosed = false;

  constructor(sequences: readonly LlamaContextSequence[]) {
    this.idle = [...sequences];
  }

  /** Resolves with a sequence whose history is empty. */
  acquire(signal: AbortSignal): Promise<LlamaContextSequence> {
    if (this.isClosed) return Promise.reject(new MoatError('shutting_down'));
    if (signal.aborted) return Promise.reject(new MoatError('client_closed_request'));
    const sequence = this.idle.pop();
    if (sequence !== undefined) return Promise.resolve(sequence);

    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new MoatError('client_closed_request'));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Takes a sequence back. Its history is cleared first, so that nothing of one request's
   * text stays in the engine for the next, and no request can time another's prompt.
   */
  async release(sequence: LlamaContextSequence): Promise<void> {
    const isCleared = await sequence.clearHistory().then(
      () => true,
      () => false,
    );
    // A sequence that cannot be cleared (its context is being disposed) is not handed out again.
    if (!isCleared) return;
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.idle.push(sequence);
      return;
    }
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(sequence);
  }

  /** Refuses new requests and turns everyone still waiting away. */
  close(): void {
    this.isClosed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new MoatError('shutting_down'));
    }
  }

  get waitingCount(): number {
    return this.waiters.length;
  }
}
