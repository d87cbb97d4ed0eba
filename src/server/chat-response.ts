import { randomUUID } from 'node:crypto';
import type { ChatCompletion, FinishReason, TokenUsage, ToolCall } from '../inference/index.js';
import { toErrorBody, type MoatError } from '../errors/index.js';

/** Builds the OpenAI wire format for one chat completion, streamed or whole. */
export class ChatResponseWriter {
  // randomUUID draws from a cached pool of entropy; randomBytes would make a system call.
  readonly id = `chatcmpl-${randomUUID()}`;
  readonly #createdSeconds = Math.floor(Date.now() / 1000);
  readonly #model: string;
  // The id, time and model are the same in every chunk, so their JSON is built once.
  readonly #chunkPrefix: string;

  constructor(model: string) {
    this.#model = model;
    this.#chunkPrefix =
      `data: {"id":"${this.id}","object":"chat.completion.chunk",` +
      `"created":${this.#createdSeconds},"model":${JSON.stringify(model)},`;
  }

  whole(completion: ChatCompletion): object {
    const { toolCalls } = completion;
    const message =
      toolCalls === undefined
        ? { role: 'assistant', content: completion.text, refusal: null }
        : {
            role: 'assistant',
            // OpenAI's servers answer a call without text with null content.
            content: completion.text === '' ? null : completion.text,
            refusal: null,
            tool_calls: toolCalls.map(toWireCall),
          };
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.#createdSeconds,
      model: this.#model,
      choices: [
        {
          index: 0,
          message,
          logprobs: null,
          finish_reason: completion.finishReason,
        },
      ],
      usage: toUsage(completion.usage),
    };
  }

  firstChunk(): string {
    return this.#chunk('{"role":"assistant","content":""}', 'null');
  }

  deltaChunk(text: string): string {
    return this.#chunk(`{"content":${JSON.stringify(text)}}`, 'null');
  }

  /** Every tool call in one chunk, each whole: their arguments are checked and restored whole. */
  toolCallsChunk(calls: readonly ToolCall[]): string {
    const wire = calls.map((call, index) => ({ index, ...toWireCall(call) }));
    return this.#chunk(`{"tool_calls":${JSON.stringify(wire)}}`, 'null');
  }

  finishChunk(finishReason: FinishReason): string {
    return this.#chunk('{}', `"${finishReason}"`);
  }

  usageChunk(usage: TokenUsage): string {
    return `${this.#chunkPrefix}"choices":[],"usage":${JSON.stringify(toUsage(usage))}}\n\n`;
  }

  static errorEvent(error: MoatError): string {
    return `data: ${JSON.stringify(toErrorBody(error))}\n\n`;
  }

  static readonly done = 'data: [DONE]\n\n';

  #chunk(delta: string, finishReason: string): string {
    return (
      `${this.#chunkPrefix}"choices":[{"index":0,"delta":${delta},` +
      `"logprobs":null,"finish_reason":${finishReason}}]}\n\n`
    );
  }
}

function toWireCall(call: ToolCall): object {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
}

function toUsage(usage: TokenUsage): object {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
