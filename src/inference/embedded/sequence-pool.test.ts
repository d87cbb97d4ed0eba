import { describe, expect, it } from 'vitest';

import { isMoatError } from '../../errors/index.js';
import { SequencePool, type ClearableSequence } from './sequence-pool.js';

class FakeSequence implements ClearableSequence {
  clearCount = 0;
  readonly #isClearable: boolean;

  constructor(isClearable = true) {
    this.#isClearable = isClearable;
  }

  clearHistory(): Promise<void> {
    this.clearCount += 1;
    return this.#isClearable ? Promise.resolve() : Promise.reject(new Error('disposed'));
  }
}

const open = (): AbortSignal => new AbortController().signal;

async function codeOf(work: Promise<unknown>): Promise<string> {
  const thrown: unknown = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  return isMoatError(thrown) ? thrown.code : `not a MoatError: ${String(thrown)}`;
}

describe('SequencePool', () => {
  it('hands out idle sequences, then serves waiters in arrival order', async () => {
    const only = new FakeSequence();
    const pool = new SequencePool([only], 4);
    const held = await pool.acquire(open());

    const first = pool.acquire(open());
    const second = pool.acquire(open());
    expect(pool.waitingCount).toBe(2);
    await pool.release(held);

    expect(await first).toBe(only);
    expect(pool.waitingCount).toBe(1);
    await pool.release(only);
    expect(await second).toBe(only);
    expect(only.clearCount).toBe(2);
  });

  it('refuses with model_busy once maxQueuedRequests are waiting', async () => {
    const pool = new SequencePool([new FakeSequence()], 2);
    await pool.acquire(open());
    const waiting = [pool.acquire(open()), pool.acquire(open())];

    expect(await codeOf(pool.acquire(open()))).toBe('model_busy');
    expect(pool.waitingCount).toBe(2);
    pool.close();
    expect(await Promise.all(waiting.map(codeOf))).toEqual(['shutting_down', 'shutting_down']);
  });

  it('with maxQueuedRequests 0, refuses at once whatever finds every sequence busy', async () => {
    const pool = new SequencePool([new FakeSequence()], 0);
    const held = await pool.acquire(open());

    expect(await codeOf(pool.acquire(open()))).toBe('model_busy');
    await pool.release(held);
    expect(await pool.acquire(open())).toBe(held);
  });

  it("gives an aborted waiter's place in line to the next request", async () => {
    const pool = new SequencePool([new FakeSequence()], 1);
    await pool.acquire(open());
    const controller = new AbortController();
    const leaving = pool.acquire(controller.signal);

    controller.abort();

    expect(await codeOf(leaving)).toBe('client_closed_request');
    expect(pool.waitingCount).toBe(0);
    const next = pool.acquire(open());
    expect(pool.waitingCount).toBe(1);
    pool.close();
    expect(await codeOf(next)).toBe('shutting_down');
  });

  it('never hands out again a sequence whose history could not be cleared', async () => {
    const broken = new FakeSequence(false);
    const pool = new SequencePool([broken], 1);
    await pool.release(await pool.acquire(open()));

    const waiting = pool.acquire(open());
    expect(pool.waitingCount).toBe(1);
    pool.close();
    expect(await codeOf(waiting)).toBe('shutting_down');
  });

  it('refuses every request after close', async () => {
    const pool = new SequencePool([new FakeSequence()], 1);
    pool.close();

    expect(await codeOf(pool.acquire(open()))).toBe('shutting_down');
  });
});
