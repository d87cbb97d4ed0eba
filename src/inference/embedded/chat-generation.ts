import {
  LlamaChat,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaContextSequence,
  type LlamaText,
} from 'node-llama-cpp';
import type { FinishReason, GenerationOptions } from '../inference-backend.js';
import { FINISH_REASON_BY_STOP_REASON, toEngineSeed } from './chat-history.js';
import { StreamChannel } from './stream-channel.js';
import { TextDeltaGuard } from './text-delta-guard.js';

export interface ChatGenerationInput {
  sequence: LlamaContextSequence;
  chatWrapper: ChatWrapper;
  history: ChatHistoryItem[];
  maxTokens: number;
  options: GenerationOptions;
}

export interface ChatGenerationControl {
  /** Used when the request names no seed. */
  fallbackSeed: number;
  signal: AbortSignal;
}

export interface ChatGenerationResult {
  finishReason: FinishReason;
  /** Every token the model produced, including an end token or a stop sequence. */
  completionTokens: number;
}

/** The text the engine will read for this history: the prompt rendered by the chat template. */
export function renderPrompt(chatWrapper: ChatWrapper, history: ChatHistoryItem[]): LlamaText {
  return chatWrapper.generateContextState({ chatHistory: history }).contextText;
}

/**
 * Generates one answer on a sequence, through the model's own chat template. Sampling
 * follows the OpenAI defaults (temperature 1, top_p 1, no top-k, no repeat penalty) rather
 * than node-llama-cpp's.
 */
async function generateChat(
  input: ChatGenerationInput,
  control: ChatGenerationControl,
  onText: (text: string) => void,
): Promise<ChatGenerationResult> {
  const { sequence, options } = input;
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: input.chatWrapper });
  const meterBefore = sequence.tokenMeter.getState();
  const guard = new TextDeltaGuard();
  const emit = (text: string): void => {
    if (text !== '') onText(text);
  };

  try {
    const response = await chat.generateResponse(input.history, {
      signal: control.signal,
      maxTokens: input.maxTokens,
      temperature: options.temperature ?? 1,
      topP: options.topP ?? 1,
      topK: 0,
      seed: toEngineSeed(options.seed ?? control.fallbackSeed),
      repeatPenalty: false,
      customStopTriggers: (options.stop ?? []).filter((stop) => stop !== ''),
      onTextChunk: (text) => {
        emit(guard.push(text));
      },
    });
    emit(guard.flush());

    const { usedOutputTokens } = sequence.tokenMeter.diff(meterBefore);
    const finishReason = FINISH_REASON_BY_STOP_REASON[response.metadata.stopReason];
    return { finishReason, completionTokens: usedOutputTokens };
  } finally {
    chat.dispose({ disposeSequence: false });
  }
}

export interface RunningChat {
  /** The answer's text as it is generated; ends with the generation's error, if any. */
  texts: AsyncGenerator<string, void, undefined>;
  result: Promise<ChatGenerationResult>;
}

/**
 * Starts generating and hands the text over as an async iterator. When the signal aborts,
 * even before the start, the iterator throws `abortError()` at once, without waiting for the
 * engine to notice.
 */
export function startChat(
  input: ChatGenerationInput,
  control: ChatGenerationControl,
  abortError: () => unknown,
): RunningChat {
  const channel = new StreamChannel<string>();
  const onAbort = (): void => {
    channel.fail(abortError());
  };
  control.signal.addEventListener('abort', onAbort, { once: true });
  if (control.signal.aborted) onAbort();

  const result = generateChat(input, control, (text) => {
    channel.push(text);
  });
  const settle = (): void => {
    control.signal.removeEventListener('abort', onAbort);
  };
  result.then(
    () => {
      settle();
      channel.close();
    },
    (error: unknown) => {
      settle();
      channel.fail(error);
    },
  );
  return { texts: channel.drain(), result };
}
