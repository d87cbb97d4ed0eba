import { z } from 'zod';

import type { FinishReason } from '../inference-backend.js';
import { malformedAnswerError } from './upstream-failure.js';
import { toolCallPieceSchema, wholeToolCallSchema } from './upstream-tool-calls.js';

/**
 * The parts of OpenAI-style answers that Moat reads, as upstreams really send them:
 * Ollama, llama.cpp server and vLLM add fields of their own (timings, logprobs, system
 * fingerprints), send `null` for absent values, and differ in what they leave out. The
 * schemas accept all of that and keep only what Moat uses.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */

const tokenCountSchema = z.number().int().nonnegative();

const usageSchema = z.object({
  prompt_tokens: tokenCountSchema,
  completion_tokens: tokenCountSchema,
});

export const chatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(wholeToolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

/**
 * One streamed chunk. The usage chunk has an empty `choices` list. Servers that fail after
 * the stream has begun send a chunk with an `error` member, or (older vLLM) one whose
 * `object` is `"error"`.
 */
export const chatChunkSchema = z.object({
  object: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z.array(toolCallPieceSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  error: z.unknown().optional(),
});

export const embeddingsSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number()),
    }),
  ),
  usage: z.object({ prompt_tokens: tokenCountSchema }).nullish(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionSchema>;
export type ChatChunkBody = z.infer<typeof chatChunkSchema>;
export type EmbeddingsBody = z.infer<typeof embeddingsSchema>;

/**
 * `length` means the answer was cut short and `tool_calls` that it ends in calls; the
 * reasons Moat does not forward (content filters, servers' own words) all mean it ended by
 * itself. Older servers say `function_call` for a call.
 */
export function toFinishReason(upstreamReason: string | null | undefined): FinishReason {
  if (upstreamReason === 'length') return 'length';
  if (upstreamReason === 'tool_calls' || upstreamReason === 'function_call') return 'tool_calls';
  return 'stop';
}

/**
 * Parses one upstream body or SSE data line, once, and checks its shape. Failures name only
 * the path in Moat's own schema, never the text that failed.
 */
export function parseUpstreamJson<Output>(text: string, schema: z.ZodType<Output>): Output {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformedAnswerError('not JSON');
  }

  const result = schema.safeParse(value);
  if (!result.success) throw malformedAnswerError(`unexpected shape at ${pathOf(result.error)}`);
  return result.data;
}

function pathOf(error: z.ZodError): string {
  const words = (error.issues[0]?.path ?? []).map(String).filter((word) => SAFE_KEY.test(word));
  return words.length === 0 ? '(top)' : words.join('.');
}

const SAFE_KEY = /^[A-Za-z0-9_]{1,64}$/;
