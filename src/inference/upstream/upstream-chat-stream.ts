import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

import type { MoatError } from '../../errors/index.js';
import type { ChatStreamEvent, FinishReason, TokenUsage } from '../inference-backend.js';
import { SseDataParser } from './sse-data-parser.js';
import { ToolCallAssembler } from './upstream-tool-calls.js';
import { malformedAnswerError, streamedErrorError } from './upstream-failure.js';
import {
  chatChunkSchema,
  parseUpstreamJson,
  toFinishReason,
  type ChatChunkBody,
} from './upstream-schemas.js';

/** The data of the event that ends an OpenAI-style stream. */
const DONE_DATA = '[DONE]';

/**
 * No chunk of a chat stream comes near these; a longer line or event is not a chat stream.
 * They bound what one stream holds while it waits for the end of an event.
 */
const SSE_LIMITS = { maxLineChars: 4 * 1024 * 1024, maxEventChars: 4 * 1024 * 1024 } as const;

/**
 * What may still follow `[DONE]` before the response ends. Reading it keeps the connection
 * reusable; a peer that sends more than this loses the connection instead.
 */
const MAX_TRAILING_BYTES = 64 * 1024;

export interface ChatStreamContext {
  signal: AbortSignal;
  /** Maps anything thrown while reading to the MoatError the caller sees. */
  toError: (thrown: unknown) => MoatError;
}

/**
 * Sends the request when the first event is asked for, then turns the upstream's SSE body
 * into Moat's stream events, yielding each piece of text as soon as the chunk that carries
 * it has arrived. Only the current partial line and event are ever buffered.
 *
 * One generator does both steps: every event crosses one generator, not two.
 */
export async function* readChatStream(
  send: () => Promise<Readable>,
  context: ChatStreamContext,
): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const body = await send();
  const parser = new SseDataParser(SSE_LIMITS);
  const decoder = new StringDecoder('utf8');
  const tally = new StreamTally();
  let hasDone = false;

  try {
    for await (const bytes of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      for (const data of parser.push(decoder.write(bytes))) {
        if (context.signal.aborted) throw context.toError(context.signal.reason);
        if (data === DONE_DATA) {
          hasDone = true;
          yield* tally.finish();
          return;
        }

        const event = tally.read(data);
        if (event !== undefined) yield event;
      }
    }
  } catch (thrown) {
    throw context.toError(thrown);
  } finally {
    release(body, hasDone);
  }

  yield* tally.finishAtEnd();
}

/** What the chunks so far said about the answer's end, size and tool calls. */
class StreamTally {
  #finishReason: FinishReason | undefined;
  #usage: TokenUsage | undefined;
  #contentChunks = 0;
  readonly #toolCalls = new ToolCallAssembler();

  /** Reads one chunk; returns its text, if it has any, or the news that calls have begun. */
  read(data: string): ChatStreamEvent | undefined {
    const chunk = parseUpstreamJson(data, chatChunkSchema);
    if (isErrorChunk(chunk)) throw streamedErrorError();

    if (chunk.usage) {
      this.#usage = {
        promptTokens: chunk.usage.prompt_tokens,
        completionTokens: chunk.usage.completion_tokens,
      };
    }

    const choice = chunk.choices?.[0];
    if (choice?.finish_reason) this.#finishReason = toFinishReason(choice.finish_reason);
    const text = choice?.delta?.content;
    const pieces = choice?.delta?.tool_calls;
    if (pieces) {
      const hadBegun = this.#toolCalls.hasBegun();
      this.#toolCalls.add(pieces);
      // Each piece of a call is about one token, as a piece of text is.
      if (!text) this.#contentChunks += 1;
      if (!hadBegun && this.#toolCalls.hasBegun() && !text) return { type: 'tool-calls-begun' };
    }
    if (!text) return undefined;

    this.#contentChunks += 1;
    return { type: 'delta', text };
  }

  /**
   * The closing events: the tool calls, whole, if the answer made any, then the finish.
   * Upstreams that send no usage chunk despite `include_usage` (older servers) get an
   * estimate: servers send about one token per chunk, so completion tokens are the number of
   * chunks that carried text, and prompt tokens are 0 (unknown).
   */
  *finish(): Generator<ChatStreamEvent> {
    const calls = this.#toolCalls.finish();
    if (calls !== undefined) yield { type: 'tool-calls', calls };
    const usage = this.#usage ?? { promptTokens: 0, completionTokens: this.#contentChunks };
    let finishReason = this.#finishReason ?? 'stop';
    if (calls !== undefined && finishReason === 'stop') finishReason = 'tool_calls';
    if (calls === undefined && finishReason === 'tool_calls') finishReason = 'stop';
    yield { type: 'finish', finishReason, usage };
  }

  /** The closing events of a stream that ended without `[DONE]`: only after a finish reason. */
  *finishAtEnd(): Generator<ChatStreamEvent> {
    if (this.#finishReason === undefined) {
      throw malformedAnswerError('the stream ended before the answer did');
    }
    yield* this.finish();
  }
}

function isErrorChunk(chunk: ChatChunkBody): boolean {
  return (chunk.error !== undefined && chunk.error !== null) || chunk.object === 'error';
}

/**
 * Gives the connection back. After `[DONE]` the rest of the body is read in the background
 * so the connection stays in the pool; in any other case the answer is unwanted or broken,
 * and destroying the body closes the connection, which is also what stops the upstream's
 * generation.
 */
function release(body: Readable, hasDone: boolean): void {
  if (body.readableEnded || body.destroyed) return;
  if (!hasDone) {
    // Destroying a body that has not ended emits an abort error, which nothing else hears.
    body.on('error', ignore);
    body.destroy();
    return;
  }

  let trailingBytes = 0;
  body.on('error', ignore);
  body.on('data', (bytes: Buffer) => {
    trailingBytes += bytes.length;
    if (trailingBytes > MAX_TRAILING_BYTES) body.destroy();
  });
  body.resume();
}

function ignore(): void {
  // The answer is complete; a failure while draining its tail changes nothing for the caller.
}
