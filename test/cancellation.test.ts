import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../src/auth/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { findAccessLine } from './support/access-log.js';
import {
  openChatStream,
  type ChatStreamChunk,
  type OpenedChatStream,
} from './support/chat-stream.js';
import { withDeadline } from './support/deadline.js';
import { answerText } from './support/openai-stand-in-answers.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import {
  answerOf,
  chunksOf,
  planStorm,
  runStormStream,
  type StormPlan,
  type StormResult,
} from './support/stream-storm.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * The embedded answer a dropped client asked for. At about 1.5 ms a token it would hold the
 * engine's only sequence for tens of seconds, so a follow-up answered within
 * FOLLOW_UP_DEADLINE_MS can only mean that generation stopped when the client left.
 */
const LONG_ANSWER_TOKENS = 16_000;
const FOLLOW_UP_DEADLINE_MS = 8_000;
/** The slow upstream's answer: 400 tokens 20 ms apart, eight seconds in all. */
const SLOW_ANSWER_TOKENS = 400;
const SLOW_CHUNK_DELAY_MS = 20;
/** Role chunk, one chunk per token, finish chunk, usage chunk (Moat asks for it), [DONE]. */
const SLOW_ANSWER_CHUNKS = SLOW_ANSWER_TOKENS + 4;
const STORM_STREAMS = 20;
const STORM_TOKENS = 24;
const STORM_DEADLINE_MS = 30_000;
const LOG_WAIT = { timeout: 5_000, interval: 100 };

let moat: TestMoat;
let slowUpstream: OpenAiStandIn;
let quickUpstream: OpenAiStandIn;
let stormTokens: [string, string];
let idleInFlight: number;

beforeAll(async () => {
  slowUpstream = await startOpenAiStandIn({
    answerTokens: SLOW_ANSWER_TOKENS,
    chunkDelayMs: SLOW_CHUNK_DELAY_MS,
  });
  quickUpstream = await startOpenAiStandIn({ answerTokens: STORM_TOKENS, chunkDelayMs: 5 });
  moat = await startTestMoat({
    upstreams: [
      { name: 'slow', baseUrl: slowUpstream.url, upstreamModel: 'stand-in-model' },
      { name: 'quick', baseUrl: quickUpstream.url, upstreamModel: 'stand-in-model' },
    ],
    config: { engine: { parallelSequences: 1, contextSize: 16_384 } },
  });

  const store = openSqliteStore(join(moat.dataDir, 'moat.db'));
  const create = async (name: string) =>
    (await createApiKey(store, { name, scopes: ['chat'] })).token;
  stormTokens = [await create('storm-one'), await create('storm-two')];
  await store.close();
  idleInFlight = await inFlightRequests();
});

afterAll(async () => {
  await moat.stop();
  await slowUpstream.close();
  await quickUpstream.close();
});

/** Greedy decoding of "Going" never ends early on the demo model: it runs to max_tokens. */
function talkative(model: string, maxTokens: number, isStream: boolean): object {
  return {
    model,
    messages: [{ role: 'user', content: 'Going' }],
    temperature: 0,
    max_tokens: maxTokens,
    stream: isStream,
  };
}

async function completeChat(body: object): Promise<{ status: number; json: unknown }> {
  const response = await request(`${moat.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${moat.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, json: await response.body.json() };
}

/** The gauge as /metrics shows it; the scrape that reads it counts itself. */
async function inFlightRequests(): Promise<number> {
  const response = await request(`${moat.url}/metrics`, {
    headers: { authorization: `Bearer ${moat.adminToken}` },
  });
  const match = /^moat_http_requests_in_flight (\d+)$/m.exec(await response.body.text());
  if (match?.[1] === undefined) throw new Error('/metrics has no moat_http_requests_in_flight');
  return Number(match[1]);
}

/** Reads events until `count` of them have carried text, without closing the stream. */
async function readTextChunks(stream: OpenedChatStream, count: number): Promise<void> {
  let textChunks = 0;
  while (textChunks < count) {
    const step = await stream.events.next();
    if (step.done === true || step.value === '[DONE]') throw new Error('the answer ended early');
    const chunk = JSON.parse(step.value) as ChatStreamChunk;
    if ((chunk.choices[0]?.delta.content ?? '') !== '') textChunks += 1;
  }
}

/** Starts a long streamed answer, reads two pieces of its text, then hangs up. */
async function dropMidStream(model: string, maxTokens: number): Promise<string> {
  const controller = new AbortController();
  const stream = await openChatStream(moat.url, {
    token: moat.adminToken,
    body: talkative(model, maxTokens, true),
    signal: controller.signal,
  });
  expect(stream.status).toBe(200);

  await readTextChunks(stream, 2);
  controller.abort();
  return stream.requestId;
}

describe('a client that disconnects mid-stream', () => {
  it('stops the embedded engine at once: its only sequence answers the next request', async () => {
    await dropMidStream('demo', LONG_ANSWER_TOKENS);

    const next = await withDeadline(
      completeChat(talkative('demo', 4, false)),
      FOLLOW_UP_DEADLINE_MS,
      'the request after the dropped stream',
    );
    expect(next.status).toBe(200);
    expect(next.json).toMatchObject({
      choices: [{ finish_reason: 'length' }],
      usage: { completion_tokens: 4 },
    });
  });

  it('logs the dropped stream as 499 client_closed_request with its few tokens', async () => {
    const requestId = await dropMidStream('demo', LONG_ANSWER_TOKENS);

    const line = await vi.waitFor(() => findAccessLine(moat.logFile, requestId), LOG_WAIT);
    expect(line).toMatchObject({
      route: '/v1/chat/completions',
      model: 'demo',
      status: 499,
      errorCode: 'client_closed_request',
      isStream: true,
    });
    expect(line.completionTokens).toBeGreaterThanOrEqual(2);
    expect(line.completionTokens).toBeLessThan(LONG_ANSWER_TOKENS / 100);
  });

  it('cancels the upstream request, so the upstream stops sending', async () => {
    const recordIndex = slowUpstream.received.length;
    await dropMidStream('slow', SLOW_ANSWER_TOKENS);

    const record = slowUpstream.received[recordIndex];
    expect(record?.body).toMatchObject({ stream: true, model: 'stand-in-model' });
    await vi.waitFor(() => {
      expect(record?.outcome).toBe('aborted');
    }, LOG_WAIT);
    expect(record?.chunksSent).toBeGreaterThanOrEqual(3);
    expect(record?.chunksSent).toBeLessThan(SLOW_ANSWER_CHUNKS / 10);
  });
});

function expectCompleteAnswer(result: StormResult): void {
  const chunks = chunksOf(result);
  const label = `stream ${result.plan.index} (${result.plan.model})`;

  expect(result.events.at(-1), label).toBe('[DONE]');
  expect(
    result.events.filter((data) => data === '[DONE]'),
    label,
  ).toHaveLength(1);
  expect(chunks.length, label).toBeGreaterThanOrEqual(3);
  expect(new Set(chunks.map((chunk) => chunk.id)), label).toEqual(new Set([chunks[0]?.id]));
  expect(chunks[0]?.id, label).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
  const finishReasons = chunks.flatMap((chunk) => chunk.choices[0]?.finish_reason ?? []);
  expect(finishReasons, label).toEqual([result.plan.model === 'demo' ? 'length' : 'stop']);
}

describe('many concurrent streams, half of them dropped', () => {
  it('finishes every stream that was not dropped, each with its own consistent id', async () => {
    const plans = planStorm({
      streamCount: STORM_STREAMS,
      models: ['demo', 'quick'],
      tokens: stormTokens,
      seed: 20_240_601,
    });
    const body = (plan: StormPlan) => talkative(plan.model, STORM_TOKENS, true);
    const results = await withDeadline(
      Promise.all(plans.map((plan) => runStormStream(moat.url, plan, body(plan)))),
      STORM_DEADLINE_MS,
      `${STORM_STREAMS} concurrent streams`,
    );

    const completed = results.filter((result) => !result.isAborted);
    const plannedToFinish = plans.filter(
      (plan) => plan.abortAfterEvents === undefined && plan.abortAfterMs === undefined,
    );
    expect(completed.length).toBeGreaterThanOrEqual(plannedToFinish.length);
    for (const plan of plannedToFinish) expect(results[plan.index]?.isAborted).toBe(false);
    const droppedByCount = results.filter((result) => result.plan.abortAfterEvents !== undefined);
    expect(droppedByCount.filter((result) => !result.isAborted)).toEqual([]);
    completed.forEach(expectCompleteAnswer);

    const ids = results.flatMap((result) => chunksOf(result)[0]?.id ?? []);
    expect(new Set(ids).size).toBe(ids.length);
    const demoAnswers = completed.filter((result) => result.plan.model === 'demo').map(answerOf);
    expect(demoAnswers.length).toBeGreaterThan(0);
    expect(new Set(demoAnswers).size).toBe(1);
    for (const result of completed.filter((each) => each.plan.model === 'quick')) {
      expect(answerOf(result)).toBe(answerText(STORM_TOKENS));
    }
  });

  it('leaves no upstream request open and the engine free for the next request', async () => {
    await vi.waitFor(() => {
      expect(quickUpstream.received.filter((record) => record.outcome === 'pending')).toEqual([]);
    }, LOG_WAIT);
    expect(quickUpstream.received.some((record) => record.outcome === 'aborted')).toBe(true);

    const next = await withDeadline(
      completeChat(talkative('demo', 4, false)),
      FOLLOW_UP_DEADLINE_MS,
      'the request after the storm',
    );
    expect(next.status).toBe(200);
  });

  it('brings moat_http_requests_in_flight back to its idle value', async () => {
    expect(idleInFlight).toBe(1);
    await vi.waitFor(async () => {
      expect(await inFlightRequests()).toBe(idleInFlight);
    }, LOG_WAIT);
  });
});
