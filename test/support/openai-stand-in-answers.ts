/**
 * The stand-in's answers, in the OpenAI wire format. They depend only on the request's
 * model, token count, prompt size and mode, so each one is serialised once and its bytes are
 * reused: the throughput benchmark must measure the gateway, not this server's JSON work.
 */

/** The words an answer is made of, in order, repeating. */
export const ANSWER_WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
] as const;

export interface AnswerShape {
  model: string;
  completionTokens: number;
  promptTokens: number;
  finishReason: 'stop' | 'length';
}

/** The SSE events of one streamed answer, each a complete `data: …\n\n` block. */
export interface StreamAnswer {
  /** Role chunk, one chunk per token, the finish chunk, the usage chunk if asked for. */
  chunks: readonly Buffer[];
  /** The final `data: [DONE]` event. */
  done: Buffer;
  /** Everything above in one buffer, for answers sent in a single write. */
  whole: Buffer;
}

const COMPLETION_ID = 'chatcmpl-stand-in';
const CREATED_SECONDS = Math.floor(Date.now() / 1000);
const DONE_EVENT = Buffer.from('data: [DONE]\n\n');
const MAX_CACHED_ANSWERS = 1024;

/** The text of token `index` of an answer: words separated by single spaces. */
export function answerToken(index: number): string {
  const word = ANSWER_WORDS[index % ANSWER_WORDS.length] ?? 'alpha';
  return index === 0 ? word : ` ${word}`;
}

/** The whole text of an answer with `tokenCount` tokens. */
export function answerText(tokenCount: number): string {
  let text = '';
  for (let index = 0; index < tokenCount; index += 1) text += answerToken(index);
  return text;
}

function usageOf(shape: AnswerShape): object {
  return {
    prompt_tokens: shape.promptTokens,
    completion_tokens: shape.completionTokens,
    total_tokens: shape.promptTokens + shape.completionTokens,
  };
}

function buildCompletion(shape: AnswerShape): Buffer {
  const completion = {
    id: COMPLETION_ID,
    object: 'chat.completion',
    created: CREATED_SECONDS,
    model: shape.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answerText(shape.completionTokens) },
        finish_reason: shape.finishReason,
      },
    ],
    usage: usageOf(shape),
  };
  return Buffer.from(JSON.stringify(completion));
}

function chunkEvent(shape: AnswerShape, fields: object): Buffer {
  const chunk = {
    id: COMPLETION_ID,
    object: 'chat.completion.chunk',
    created: CREATED_SECONDS,
    model: shape.model,
    ...fields,
  };
  return Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`);
}

function choiceOf(delta: object, finishReason: string | null): object {
  return { choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

function buildStream(shape: AnswerShape, hasUsage: boolean): StreamAnswer {
  const chunks = [chunkEvent(shape, choiceOf({ role: 'assistant', content: '' }, null))];

  for (let index = 0; index < shape.completionTokens; index += 1) {
    chunks.push(chunkEvent(shape, choiceOf({ content: answerToken(index) }, null)));
  }
  chunks.push(chunkEvent(shape, choiceOf({}, shape.finishReason)));
  if (hasUsage) chunks.push(chunkEvent(shape, { choices: [], usage: usageOf(shape) }));

  return { chunks, done: DONE_EVENT, whole: Buffer.concat([...chunks, DONE_EVENT]) };
}

function keyOf(shape: AnswerShape): string {
  return `${shape.model}\u0000${shape.completionTokens}\u0000${shape.promptTokens}\u0000${shape.finishReason}`;
}

/** Serialised answers, built on first use and kept while the cache stays small. */
export class AnswerCache {
  readonly #completions = new Map<string, Buffer>();
  readonly #streams = new Map<string, StreamAnswer>();

  completion(shape: AnswerShape): Buffer {
    return remember(this.#completions, keyOf(shape), () => buildCompletion(shape));
  }

  stream(shape: AnswerShape, hasUsage: boolean): StreamAnswer {
    const key = `${keyOf(shape)}\u0000${String(hasUsage)}`;
    return remember(this.#streams, key, () => buildStream(shape, hasUsage));
  }
}

function remember<Value>(cache: Map<string, Value>, key: string, build: () => Value): Value {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;

  if (cache.size >= MAX_CACHED_ANSWERS) cache.clear();
  const value = build();
  cache.set(key, value);
  return value;
}

/**
 * A deterministic vector for one input: equal inputs give equal vectors, and different
 * inputs almost always differ, which is all a test of the wire path needs.
 */
export function embeddingOf(input: string, dimensions: number): number[] {
  let hash = 2166136261;
  for (let index = 0; index < input.length; index += 1) {
    hash = Math.imul(hash ^ input.charCodeAt(index), 16777619);
  }

  const vector = new Array<number>(dimensions);
  for (let dimension = 0; dimension < dimensions; dimension += 1) {
    hash = Math.imul(hash ^ (hash >>> 15), 2246822507);
    vector[dimension] = ((hash >>> 0) % 2001) / 1000 - 1;
  }
  return vector;
}

/** Counts whitespace-separated words in the messages: the stand-in's prompt "tokens". */
export function countPromptWords(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;

  let count = 0;
  for (const message of messages as unknown[]) {
    const content = (message as { content?: unknown } | null)?.content;
    if (typeof content === 'string') count += content.split(/\s+/).filter(Boolean).length;
  }
  return count;
}
