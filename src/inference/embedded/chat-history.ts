import type { ChatHistoryItem, LlamaChatResponse } from 'node-llama-cpp';
import { MoatError } from '../../errors/index.js';
import type { ChatMessage, FinishReason } from '../inference-backend.js';

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
        // Refused before this point (refuseTools); a tool result has no place here.
        throw new MoatError('unsupported_field', { param: 'messages' });
    }
  });
  history.push({ type: 'model', response: [] });
  return history;
}

/** llama.cpp seeds its sampler with a uint32; OpenAI allows any integer. */
export function toEngineSeed(seed: number): number {
  const modulus = 2 ** 32;
  return ((Math.trunc(seed) % modulus) + modulus) % modulus;
}
