import { z } from 'zod';
import type {
  ChatMessage,
  ChatRequest,
  GenerationOptions,
  ToolChoice,
} from '../inference/index.js';
import { MoatError } from '../errors/index.js';
import { unsupportedFieldError } from './validate-body.js';

/**
 * Fields of OpenAI's chat completions API that Moat does not implement. They are refused
 * with a 400 naming the field, never ignored: a caller who asks for tools or JSON output and
 * silently gets plain text has been misled. `null` counts as absent, as it does for OpenAI.
 */
const UNSUPPORTED_FIELDS = [
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
};

const textPartSchema = z.strictObject({ type: z.literal('text'), text: z.string() });

/** OpenAI's rule for function names, which upstream servers also apply. */
const toolNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u, {
  error: 'must be 1 to 64 letters, digits, underscores or dashes',
});

const toolCallSchema = z.strictObject({
  id: z.string().min(1).max(256),
  type: z.literal('function'),
  function: z.strictObject({ name: toolNameSchema, arguments: z.string().max(1_048_576) }),
});

const messageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  // Null only beside an assistant's tool calls; checked below.
  content: z.union([z.string(), z.array(textPartSchema).min(1).max(256)]).nullish(),
  tool_calls: z.array(toolCallSchema).min(1).max(128).nullish(),
  tool_call_id: z.string().min(1).max(256).nullish(),
  // Accepted by the schema so that the refusal below can name it: chat templates here have
  // no place for a participant's name, and dropping it silently would change the prompt. On
  // a tool message it is the function's name, which the call id already says.
  name: z.unknown().optional(),
  // What an answer's message carries, so that it can be sent back as it came: a refusal
  // stands in for absent content; annotations (citations) say nothing to the model.
  refusal: z.string().max(1_048_576).nullish(),
  annotations: z.array(z.unknown()).max(1024).nullish(),
});

const MAX_SCHEMA_DEPTH = 64;

/** Whether `value` holds objects and arrays at most `limit` levels deep; no recursion. */
function isNestedAtMost(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) return false;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return true;
}

const toolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: toolNameSchema,
    description: z.string().max(16_384).optional(),
    // Passed on to the upstream as it is; a schema nested deeper than any real one is
    // refused here rather than fail later as an internal error.
    parameters: z
      .record(z.string(), z.unknown())
      .refine((value) => isNestedAtMost(value, MAX_SCHEMA_DEPTH), {
        error: `must not be nested more than ${MAX_SCHEMA_DEPTH} levels deep`,
      })
      .optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({
    type: z.literal('function'),
    function: z.strictObject({ name: toolNameSchema }),
  }),
]);

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
  tools: nullable(z.array(toolSchema).min(1).max(128)),
  tool_choice: nullable(toolChoiceSchema),
  parallel_tool_calls: nullable(z.boolean()),
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

  const namedIndex = body.messages.findIndex(
    (message) => message.name != null && message.role !== 'tool',
  );
  if (namedIndex >= 0) throw unsupportedFieldError(`messages[${namedIndex}].name`);
  body.messages.forEach(checkMessageShape);
  checkTools(body);

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

type MessageBody = ChatRequestBody['messages'][number];

/** Tool fields belong to their roles, and only an assistant's tool calls stand without content. */
function checkMessageShape(message: MessageBody, index: number): void {
  const param = `messages[${index}]`;
  const invalid = (detail: string, field: string) =>
    new MoatError('invalid_request', { detail, param: `${param}.${field}` });

  if (message.role !== 'assistant' && (message.refusal != null || message.annotations != null)) {
    const field = message.refusal == null ? 'annotations' : 'refusal';
    throw invalid(`Field ${param}.${field} is only allowed on assistant messages.`, field);
  }
  if (message.tool_calls != null && message.role !== 'assistant') {
    throw invalid(`Field ${param}.tool_calls is only allowed on assistant messages.`, 'tool_calls');
  }
  if (message.role === 'tool' && message.tool_call_id == null) {
    throw invalid(`Field ${param}.tool_call_id is required on tool messages.`, 'tool_call_id');
  }
  if (message.role !== 'tool' && message.tool_call_id != null) {
    throw invalid(`Field ${param}.tool_call_id is only allowed on tool messages.`, 'tool_call_id');
  }
  if (message.content == null && message.tool_calls == null && message.refusal == null) {
    throw invalid(
      `Field ${param}.content is required, except on assistant messages with tool_calls.`,
      'content',
    );
  }
}

/**
 * What OpenAI also refuses: tool fields without tools, two tools of one name, a named tool
 * choice that is not offered, and a tool result that answers no call made before it.
 */
function checkTools(body: ChatRequestBody): void {
  if (body.parallel_tool_calls != null && body.tools == null) {
    throw new MoatError('invalid_request', {
      detail: 'Field parallel_tool_calls needs tools; add tools or remove it.',
      param: 'parallel_tool_calls',
    });
  }
  const names = new Set<string>();
  body.tools?.forEach((tool, index) => {
    if (!names.has(tool.function.name)) {
      names.add(tool.function.name);
      return;
    }
    throw new MoatError('invalid_request', {
      detail: `Field tools[${index}].function.name repeats the name of an earlier tool.`,
      param: `tools[${index}].function.name`,
    });
  });
  checkToolChoice(body);
  checkToolResults(body);
}

function checkToolResults(body: ChatRequestBody): void {
  const callIds = new Set<string>();
  body.messages.forEach((message, index) => {
    for (const call of message.tool_calls ?? []) callIds.add(call.id);
    if (message.tool_call_id == null || callIds.has(message.tool_call_id)) return;
    throw new MoatError('invalid_request', {
      detail: `Field messages[${index}].tool_call_id answers no tool call made before it.`,
      param: `messages[${index}].tool_call_id`,
    });
  });
}

function checkToolChoice(body: ChatRequestBody): void {
  const choice = body.tool_choice;
  if (choice == null || choice === 'none') return;
  if (body.tools == null) {
    throw new MoatError('invalid_request', {
      detail: 'Field tool_choice needs tools; add tools or remove tool_choice.',
      param: 'tool_choice',
    });
  }
  if (typeof choice === 'string') return;
  const isOffered = body.tools.some((tool) => tool.function.name === choice.function.name);
  if (!isOffered) {
    throw new MoatError('invalid_request', {
      detail: 'Field tool_choice.function.name names no tool in tools.',
      param: 'tool_choice.function.name',
    });
  }
}

/**
 * The backend-neutral request: roles folded to four, text parts joined. Without a token
 * budget from the caller, the backend applies the model's default, cut to what the context
 * window has left.
 */
export function toChatRequest(body: ChatRequestBody): ChatRequest {
  const messages = body.messages.map(toChatMessage);

  const options: GenerationOptions = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) options.maxTokens = maxTokens;
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.topP = body.top_p;
  if (body.seed != null) options.seed = body.seed;
  if (body.stop != null) options.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;

  const request: ChatRequest = { messages, options };
  if (body.tools != null) {
    request.tools = body.tools.map(({ function: tool }) => ({
      ...tool,
      strict: tool.strict ?? undefined,
    }));
  }
  if (body.tool_choice != null) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  return request;
}

function toChatMessage(message: MessageBody): ChatMessage {
  const content = message.content ?? message.refusal;
  const chatMessage: ChatMessage = {
    role: message.role === 'developer' ? 'system' : message.role,
    content:
      content == null
        ? ''
        : typeof content === 'string'
          ? content
          : content.map((part) => part.text).join(''),
  };
  if (message.tool_calls != null) {
    chatMessage.toolCalls = message.tool_calls.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    }));
  }
  if (message.tool_call_id != null) chatMessage.toolCallId = message.tool_call_id;
  return chatMessage;
}

function toToolChoice(choice: NonNullable<ChatRequestBody['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}
