import type { LlamaText } from 'node-llama-cpp';

import { MoatError } from '../../errors/index.js';
import type { GenerationOptions } from '../inference-backend.js';
import { fewestTokensFor, plainTextLength } from './token-length-bound.js';

/**
 * The engine keeps the last cell of a sequence free. Prompt and answer must fit before it:
 * when they do not, the engine makes room by silently dropping the start of the
 * conversation, so the budget is checked before generation starts.
 */
const RESERVED_CONTEXT_TOKENS = 1;

export interface ContextBudgetOptions {
  /** Tokens of context one request may use. */
  contextTokens: number;
  /** Most tokens an answer may have when the request does not say. */
  defaultMaxTokens: number;
  /** The most bytes of input one token can cover; undefined when nothing bounds it. */
  longestTokenBytes: number | undefined;
}

/**
 * Decides what fits in a request's context. Tokenizing runs on the main thread and takes
 * time in proportion to the text, so text too long to fit is refused from its length first;
 * only text that might fit is tokenized and counted exactly.
 */
export class ContextBudget {
  readonly #contextTokens: number;
  readonly #defaultMaxTokens: number;
  readonly #longestTokenBytes: number | undefined;

  constructor(options: ContextBudgetOptions) {
    this.#contextTokens = options.contextTokens;
    this.#defaultMaxTokens = options.defaultMaxTokens;
    this.#longestTokenBytes = options.longestTokenBytes;
  }

  /**
   * Refuses a rendered prompt that cannot fit, without tokenizing it. The budget rule is
   * applied to the fewest tokens the prompt can become; the rule only grows stricter as the
   * prompt grows, so it refuses nothing the exact count would let through.
   */
  checkPromptLength(prompt: LlamaText, options: GenerationOptions): void {
    const fewestTokens = fewestTokensFor(plainTextLength(prompt), this.#longestTokenBytes);
    this.answerTokens(fewestTokens, options);
  }

  /** Tokens the answer may use: what was asked for, or the default cut to what is left. */
  answerTokens(promptTokens: number, options: GenerationOptions): number {
    const requested = options.maxTokens;
    if (requested !== undefined && requested < 1) {
      throw new MoatError('invalid_request', { detail: 'max_tokens must be at least 1.' });
    }

    const availableTokens = this.#contextTokens - RESERVED_CONTEXT_TOKENS - promptTokens;
    const maxTokens = requested ?? Math.min(this.#defaultMaxTokens, availableTokens);
    if (availableTokens < 1 || maxTokens > availableTokens) {
      throw new MoatError('context_length_exceeded');
    }
    return maxTokens;
  }

  /** Refuses an embedding input that is empty or, from its length alone, too long. */
  checkEmbeddingLength(input: string): void {
    if (input === '') {
      throw new MoatError('invalid_request', {
        detail: 'An embedding input is empty.',
        param: 'input',
      });
    }
    this.checkEmbeddingTokens(fewestTokensFor(input.length, this.#longestTokenBytes));
  }

  /** Refuses an embedding input of this many tokens, counted with the tokens the engine adds. */
  checkEmbeddingTokens(inputTokens: number): void {
    if (inputTokens >= this.#contextTokens) {
      throw new MoatError('context_length_exceeded', {
        detail: "An input is longer than the model's context window.",
        param: 'input',
      });
    }
  }
}
