import { openChatStream, type ChatStreamChunk } from './chat-stream.js';

/**
 * Many streamed chats at once, some of whose clients hang up at random points. The plan is
 * drawn from a seed, so a failing storm can be replayed exactly as it ran.
 */

export interface StormOptions {
  streamCount: number;
  /** Stream i asks for `models[⌊i / 2⌋ mod 2]` with `tokens[i mod 2]`: every key, every model. */
  models: readonly [string, string];
  tokens: readonly [string, string];
  seed: number;
}

export interface StormPlan {
  index: number;
  model: string;
  token: string;
  /** Hang up after reading this many events. */
  abortAfterEvents?: number;
  /** Hang up this long after sending, whether or not the answer has started. */
  abortAfterMs?: number;
}

export interface StormResult {
  plan: StormPlan;
  isAborted: boolean;
  /** The data of every event read, `[DONE]` included. */
  events: string[];
}

/** mulberry32: a small generator with good low bits, unlike a plain linear congruence. */
function seededRandom(seed: number): (limit: number) => number {
  let state = seed >>> 0;
  return (limit) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) % limit;
  };
}

function modelIndexOf(index: number): number {
  return Math.floor(index / 2) % 2;
}

/** Half of each model's streams, picked at random. */
function pickDropped(streamCount: number, random: (limit: number) => number): Set<number> {
  const order = Array.from({ length: streamCount }, (_, index) => index);
  for (let last = order.length - 1; last > 0; last -= 1) {
    const other = random(last + 1);
    [order[last], order[other]] = [order[other] ?? 0, order[last] ?? 0];
  }

  const dropped = new Set<number>();
  for (const index of order) {
    const sameModel = [...dropped].filter((each) => modelIndexOf(each) === modelIndexOf(index));
    if (sameModel.length < streamCount / 4) dropped.add(index);
  }
  return dropped;
}

/**
 * Half the streams hang up: most after one to eight events, those whose index is a multiple
 * of five on a timer of under 20 ms, which may fire before the answer has even started.
 */
export function planStorm(options: StormOptions): StormPlan[] {
  const random = seededRandom(options.seed);
  const dropped = pickDropped(options.streamCount, random);

  return Array.from({ length: options.streamCount }, (_, index): StormPlan => {
    const plan: StormPlan = {
      index,
      model: options.models[modelIndexOf(index)] ?? '',
      token: options.tokens[index % 2] ?? '',
    };
    if (!dropped.has(index)) return plan;
    if (index % 5 === 0) return { ...plan, abortAfterMs: random(20) };
    return { ...plan, abortAfterEvents: 1 + random(8) };
  });
}

/** Runs one planned stream; a hang-up it planned is a result, any other failure is thrown. */
export async function runStormStream(
  baseUrl: string,
  plan: StormPlan,
  body: object,
): Promise<StormResult> {
  const controller = new AbortController();
  const abort = (): void => {
    controller.abort();
  };
  const timer = plan.abortAfterMs === undefined ? undefined : setTimeout(abort, plan.abortAfterMs);
  const events: string[] = [];

  try {
    const stream = await openChatStream(baseUrl, {
      token: plan.token,
      body,
      signal: controller.signal,
    });
    for await (const data of stream.events) {
      events.push(data);
      if (events.length === plan.abortAfterEvents) abort();
    }
    return { plan, isAborted: false, events };
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    return { plan, isAborted: true, events };
  } finally {
    clearTimeout(timer);
  }
}

export function chunksOf(result: StormResult): ChatStreamChunk[] {
  return result.events
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as ChatStreamChunk);
}

export function answerOf(result: StormResult): string {
  return chunksOf(result)
    .map((chunk) => chunk.choices[0]?.delta.content ?? '')
    .join('');
}
