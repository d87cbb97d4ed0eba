import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  AnswerCache,
  countPromptWords,
  embeddingOf,
  type AnswerShape,
} from './openai-stand-in-answers.js';
import {
  echoCompletion,
  echoStream,
  firstToolName,
  lastMessageText,
  toolArgumentsFor,
  toolCallCompletion,
  toolCallStream,
} from './openai-stand-in-echo.js';
import { plannedStream, sendAnswerBody, type StandInFailure } from './openai-stand-in-failures.js';
import {
  modelListBody,
  readJsonBody,
  sendError,
  sendJson,
  writeChunks,
} from './openai-stand-in-wire.js';

export { STAND_IN_FAILURES, type StandInFailure } from './openai-stand-in-failures.js';

export interface StandInBehaviour {
  /** @default "none" */
  failure: StandInFailure;
  /** Message inside the body of a `error-500` answer. @default "stand-in failure" */
  errorText: string;
  /** Wait before each streamed chunk; 0 sends a whole stream in one write. @default 0 */
  chunkDelayMs: number;
  /** SSE chunks sent before a mid-stream failure. @default 2 */
  chunksBeforeFailure: number;
  /** Whether a usage chunk is sent when `stream_options.include_usage` asks. @default true */
  isUsageSent: boolean;
  /**
   * Tokens in a complete answer, which ends with finish reason `stop`. A smaller
   * `max_tokens` cuts it short, with finish reason `length`. @default 16
   */
  answerTokens: number;
  /**
   * When above 0, answers repeat the last message sent, streamed in pieces of this many
   * characters. A request that offers tools is answered with a call of the first tool
   * instead, its arguments streamed in pieces of this size (3 when 0). @default 0
   */
  echoPieceChars: number;
}

export interface OpenAiStandInOptions extends Partial<StandInBehaviour> {
  /** @default 0 (any free port) */
  port?: number;
  /** Models served; other model names get a 404. @default ["stand-in-model"] */
  models?: readonly string[];
  /** Length of every embedding vector. @default 8 */
  embeddingDimensions?: number;
  /** Keep a record of each request; benchmarks turn it off. @default true */
  isRecording?: boolean;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The parsed JSON body, or undefined for bodiless requests. */
  body: unknown;
  /** SSE events written so far, `[DONE]` included (streaming answers only). */
  chunksSent: number;
  /** `aborted` when the connection closed before the answer was complete. */
  outcome: 'pending' | 'finished' | 'aborted';
}

export interface OpenAiStandIn {
  /** Base URL ending in `/v1`. */
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted so far: shows whether clients reuse them. */
  readonly connectionCount: number;
  /** Every request so far, oldest first. */
  readonly received: ReceivedRequest[];
  /** Changes how the following requests are answered. */
  configure(behaviour: Partial<StandInBehaviour>): void;
  close(): Promise<void>;
}

const DEFAULT_BEHAVIOUR: StandInBehaviour = {
  failure: 'none',
  errorText: 'stand-in failure',
  chunkDelayMs: 0,
  chunksBeforeFailure: 2,
  isUsageSent: true,
  answerTokens: 16,
  echoPieceChars: 0,
};

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;
const CHAT_PATH = '/v1/chat/completions';
const EMBEDDINGS_PATH = '/v1/embeddings';

interface Exchange {
  response: ServerResponse;
  record: ReceivedRequest;
  body: Record<string, unknown>;
  model: string;
}

/** Starts the stand-in on 127.0.0.1. */
export async function startOpenAiStandIn(
  options: OpenAiStandInOptions = {},
): Promise<OpenAiStandIn> {
  const { port: requestedPort = 0, ...stateOptions } = options;
  const state = new StandInState(stateOptions);
  const server = createServer((request, response) => {
    state.accept(request, response);
  });
  server.keepAliveTimeout = 65_000;
  let connectionCount = 0;
  server.on('connection', () => {
    connectionCount += 1;
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get connectionCount() {
      return connectionCount;
    },
    received: state.received,
    configure: (behaviour) => {
      Object.assign(state.behaviour, behaviour);
    },
    close: () => closeServer(server),
  };
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  server.closeAllConnections();
  return closed;
}

class StandInState {
  readonly behaviour: StandInBehaviour;
  readonly received: ReceivedRequest[] = [];
  readonly #answers = new AnswerCache();
  readonly #models: ReadonlySet<string>;
  readonly #modelList: Buffer;
  readonly #embeddingDimensions: number;
  readonly #isRecording: boolean;

  constructor(options: Omit<OpenAiStandInOptions, 'port'>) {
    const { models, embeddingDimensions, isRecording, ...behaviour } = options;
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...behaviour };
    this.#models = new Set(models ?? ['stand-in-model']);
    this.#modelList = modelListBody([...this.#models]);
    this.#embeddingDimensions = embeddingDimensions ?? 8;
    this.#isRecording = isRecording ?? true;
  }

  accept(request: IncomingMessage, response: ServerResponse): void {
    const record = this.#record(request);
    response.once('close', () => {
      record.outcome = response.writableFinished ? 'finished' : 'aborted';
    });

    if (request.method === 'GET') {
      request.resume();
      if (request.url === '/v1/models') sendJson(response, 200, this.#modelList);
      else sendError(response, 404, 'no such route');
      return;
    }
    readJsonBody(request, (body) => {
      if (this.#isRecording) record.body = body;
      this.#route(request.url, { response, record }, body);
    });
  }

  #record(request: IncomingMessage): ReceivedRequest {
    const record: ReceivedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body: undefined,
      chunksSent: 0,
      outcome: 'pending',
    };
    if (this.#isRecording) this.received.push(record);
    return record;
  }

  #route(
    path: string | undefined,
    { response, record }: Pick<Exchange, 'response' | 'record'>,
    body: Record<string, unknown> | undefined,
  ): void {
    const checked = checkRequest(path, body, this.#models);
    if ('status' in checked) {
      sendError(response, checked.status, checked.message);
      return;
    }

    const { failure, errorText } = this.behaviour;
    const exchange = { response, record, ...checked };
    const isStreamed = checked.body.stream === true && path === CHAT_PATH;
    if (failure === 'hang') return;
    if (failure === 'error-500' || (failure === 'error-mid-stream' && !isStreamed)) {
      sendError(response, 500, errorText);
      return;
    }

    if (path === EMBEDDINGS_PATH) this.#answerEmbeddings(exchange);
    else if (isStreamed) this.#answerStream(exchange);
    else this.#answerCompletion(exchange);
  }

  #shapeOf({ model, body }: Exchange): AnswerShape {
    const limit = body.max_tokens ?? body.max_completion_tokens;
    const { answerTokens } = this.behaviour;
    const isCut = typeof limit === 'number' && limit < answerTokens;
    return {
      model,
      completionTokens: isCut ? limit : answerTokens,
      promptTokens: countPromptWords(body.messages),
      finishReason: isCut ? 'length' : 'stop',
    };
  }

  #answerCompletion(exchange: Exchange): void {
    const toolName = firstToolName(exchange.body.tools);
    if (toolName !== undefined) {
      const argumentsJson = toolArgumentsFor(exchange.body.messages);
      sendJson(exchange.response, 200, toolCallCompletion(exchange.model, toolName, argumentsJson));
      return;
    }
    if (this.behaviour.echoPieceChars > 0) {
      const text = lastMessageText(exchange.body.messages);
      sendJson(exchange.response, 200, echoCompletion(exchange.model, text));
      return;
    }
    sendAnswerBody(exchange.response, this.behaviour.failure, () =>
      this.#answers.completion(this.#shapeOf(exchange)),
    );
  }

  #answerEmbeddings({ response, body, model }: Exchange): void {
    sendAnswerBody(response, this.behaviour.failure, () => {
      const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
      const data = inputs.map((input, index) => ({
        object: 'embedding',
        index,
        embedding: embeddingOf(String(input), this.#embeddingDimensions),
      }));
      const promptTokens = inputs.reduce<number>((sum, input) => sum + String(input).length, 0);
      const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
      return Buffer.from(JSON.stringify({ object: 'list', model, data, usage }));
    });
  }

  #answerStream(exchange: Exchange): void {
    const { response, record, body } = exchange;
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    const hasUsage = streamOptions?.include_usage === true && this.behaviour.isUsageSent;
    const answer = this.#answers.stream(this.#shapeOf(exchange), hasUsage);
    const { failure, chunkDelayMs, echoPieceChars } = this.behaviour;

    response.writeHead(200, SSE_HEADERS);
    const toolName = firstToolName(body.tools);
    if (toolName !== undefined) {
      const call = { name: toolName, argumentsJson: toolArgumentsFor(body.messages) };
      response.end(Buffer.concat(toolCallStream(exchange.model, call, echoPieceChars || 3)));
      return;
    }
    if (echoPieceChars > 0) {
      const text = lastMessageText(body.messages);
      response.end(Buffer.concat(echoStream(exchange.model, text, echoPieceChars)));
      return;
    }
    if (failure === 'none' && chunkDelayMs === 0) {
      record.chunksSent = answer.chunks.length + 1;
      response.end(answer.whole);
      return;
    }

    const onChunk = (): void => {
      record.chunksSent += 1;
    };
    writeChunks(response, plannedStream(answer, this.behaviour), {
      delayMs: chunkDelayMs,
      onChunk,
    });
  }
}

/** Refuses, as an OpenAI server would, a request no behaviour applies to. */
function checkRequest(
  path: string | undefined,
  body: Record<string, unknown> | undefined,
  models: ReadonlySet<string>,
): Pick<Exchange, 'body' | 'model'> | { status: number; message: string } {
  if (path !== CHAT_PATH && path !== EMBEDDINGS_PATH) return { status: 404, message: 'no route' };
  if (body === undefined) return { status: 400, message: 'the body is not a JSON object' };
  if (typeof body.model !== 'string' || !models.has(body.model)) {
    return { status: 404, message: 'model not found' };
  }
  return { body, model: body.model };
}
