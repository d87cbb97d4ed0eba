import { z } from 'zod';
import type { ChatMessage, ChatRequest, GenerationOptions } from '../inference/index.js';
import { MoatError } from '../errors/index.js';
import { unsupportedFieldError } from './validate-body.js';

/**
 * Fields of OpenAI's chat completions API that Moat does not implement. They are refused
 * with a 400 naming the field, never ignored: a caller who asks for tools or JSON output and
 * silently gets plain text has been misled. `null` counts as absent, as it does for OpenAI.
 */
const UNSUPPORTED_FIELDS = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'response_format',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'presence_penalty',
  'frequency_penalty',
  'modalities',
  'audio',
  'prediction',
  'reasoning_effort',
  'metadata',
  'service_tier',
  'web_search_options',
  'n',
  'verbosity',
  'prompt_cache_key',
  'safety_identifier',
] as const;

/** Values of unsupported fields that mean "the default", which Moat can honour. */
const HARMLESS_VALUES: Partial<Record<(typeof UNSUPPORTED_FIELDS)[number], unknown>> = {
  n: 1,
  logprobs: false,
  presence_penalty: 0,
  frequency_penalty: 0,
  parallel_tool_calls: true,
};

const textPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });

const messageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPartSchema).min(1).max(256)]),
  // Accepted by the schema so that the refusal below can name it: chat templates here have
  // no place for a participant's name, and dropping it silently would change the prompt.
  name: z.unknown().optional(),
});

const nullable = <Schema extends z.ZodType>(schema: Schema) => schema.nullish();

const SUPPORTED_SHAPE = {
  model: z.string().min(1).max(256),
  messages: z.array(messageSchema).min(1).max(4096),
  stream: nullable(z.boolean()),
  stream_options: nullable(z.strictObject({ include_usage: z.boolean().optional() })),
  max_tokens: nullable(z.number().int().min(1).max(131_072)),
  max_completion_tokens: nullable(z.number().int().min(1).max(131_072)),
  temperature: nullable(z.number().min(0).max(2)),
  top_p: nullable(z.number().min(0).max(1)),
  stop: nullable(z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(4)])),
  seed: nullable(
    z
      .number()
      .int()
      .min(-(2 ** 53))
      .max(2 ** 53),
  ),
  user: nullable(z.string().max(256)),
  /** OpenAI's field: `true` saves the exchange to the caller's memory (needs `memory`). */
  store: nullable(z.boolean()),
  /** Moat's own extensions; see docs/memory.md. */
  moat: nullable(
    z.strictObject({
      memory: z
        .strictObject({
          search: z.string().min(1).max(4096),
          limit: z.number().int().min(1).max(20).optional(),
        })
        .optional(),
      retention_seconds: z.number().int().min(1).optional(),
      data_class: z.string().min(1).max(32).optional(),
    }),
  ),
};

export const CHAT_SUPPORTED_FIELDS = Object.keys(SUPPORTED_SHAPE);

const unsupportedShape = Object.fromEntries(
  UNSUPPORTED_FIELDS.map((field) => [field, z.unknown().optional()]),
) as Record<(typeof UNSUPPORTED_FIELDS)[number], z.ZodOptional<z.ZodUnknown>>;

export const chatRequestSchema = z.strictObject({ ...SUPPORTED_SHAPE, ...unsupportedShape });

export type ChatRequestBody = z.output<typeof chatRequestSchema>;

/**
 * Refuses what the schema cannot express: unsupported fields set to something other than
 * their default, and combinations OpenAI also refuses or that would be ambiguous.
 */
export function rejectUnsupportedFields(body: ChatRequestBody): void {
  for (const field of UNSUPPORTED_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || value === HARMLESS_VALUES[field]) continue;
    throw unsupportedFieldError(field);
  }

  const namedIndex = body.messages.findIndex((message) => message.name != null);
  if (namedIndex >= 0) throw unsupportedFieldError(`messages[${namedIndex}].name`);

  if (body.stream_options != null && body.stream !== true) {
    throw new MoatError('invalid_request', {
      detail: 'Field stream_options is only allowed when stream is true.',
      param: 'stream_options',
    });
  }
  const { max_tokens: maxTokens, max_completion_tokens: maxCompletionTokens } = body;
  if (maxTokens != null && maxCompletionTokens != null && maxTokens !== maxCompletionTokens) {
    throw new MoatError('invalid_request', {
      detail: 'Fields max_tokens and max_completion_tokens disagree; send only one of them.',
      param: 'max_completion_tokens',
    });
  }
}

/**
 * The backend-neutral request: roles folded to three, text parts joined. Without a token
 * budget from the caller, the backend applies the model's default, cut to what the context
 * window has left.
 */
export function toChatRequest(body: ChatRequestBody): ChatRequest {
  const messages: ChatMessage[] = body.messages.map((message) => ({
    role: message.role === 'developer' ? 'system' : message.role,
    content:
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => part.text).join(''),
  }));

  const options: GenerationOptions = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) options.maxTokens = maxTokens;
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  if (body.seed != null) options.seed = body.seed;
  if (body.stop != null) options.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;

  return { messages, options };
}
