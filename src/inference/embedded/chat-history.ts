import type { ChatHistoryItem, LlamaChatResponse } from 'node-llama-cpp';
import { MoatError } from '../../errors/index.js';
import type { ChatMessage, ChatRequest, FinishReason } from '../inference-backend.js';
import { usesTools } from '../inference-backend.js';

type StopReason = LlamaChatResponse['metadata']['stopReason'];

/** How each of the engine's reasons for stopping reads in the OpenAI wire format. */
export const FINISH_REASON_BY_STOP_REASON = {
  eogToken: 'stop',
  stopGenerationTrigger: 'stop',
  customStopTrigger: 'stop',
  functionCalls: 'stop',
  maxTokens: 'length',
  abort: 'stop',
} as const satisfies Record<StopReason, FinishReason>;

/**
 * The engine's chat history for a request, ending with the empty answer to be generated.
 * Message text goes in as plain text: the chat template alone places special tokens, so a
 * message that contains "<|im_end|>" cannot close its own turn.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history = messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
        return { type: 'system', text: message.content };
      case 'user':
        return { type: 'user', text: message.content };
      case 'assistant':
        return { type: 'model', response: [message.content] };
      case 'tool':
        throw toolsUnsupportedError();
    }
  });
  history.push({ type: 'model', response: [] });
  return history;
}

/**
 * The engine runs the catalog's chat template, which here has no place for tools. A request
 * that offers tools, or replays a tool exchange, is refused rather than answered as if the
 * tools were not there.
 */
export function refuseTools(request: ChatRequest): void {
  if (usesTools(request)) throw toolsUnsupportedError();
}

function toolsUnsupportedError(): MoatError {
  return new MoatError('unsupported_field', {
    detail:
      'Field tools needs a model served by an upstream: the embedded engine does not call tools.',
    param: 'tools',
  });
}

/** llama.cpp seeds its sampler with a uint32; OpenAI allows any integer. */
export function toEngineSeed(seed: number): number {
  const modulus = 2 ** 32;
  return ((Math.trunc(seed) % modulus) + modulus) % modulus;
}
