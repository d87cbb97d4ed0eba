import { expect } from 'vitest';
import { MoatError } from '../../src/errors/index.js';
import type { ChatRequest, GenerationOptions } from '../../src/inference/index.js';

export function ask(content: string, options: GenerationOptions = {}): ChatRequest {
  return { messages: [{ role: 'user', content }], options };
}

/** On the demo model, greedy decoding of this prompt runs to `maxTokens`. */
export function talkative(maxTokens: number): ChatRequest {
  return ask('Going', { temperature: 0, maxTokens });
}

/** The MoatError `work` rejects with; fails the test if it resolves or throws anything else. */
export async function failureOf(work: Promise<unknown>): Promise<MoatError> {
  const error: unknown = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MoatError);
  return error as MoatError;
}
