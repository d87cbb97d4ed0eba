import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startOpenAiStandIn, type OpenAiStandIn } from '../../../test/support/openai-stand-in.js';
import { MoatError } from '../../errors/index.js';
import type { ChatRequest, ChatStreamEvent, InferenceBackend } from '../inference-backend.js';
import { createUpstreamBackend } from './upstream-backend.js';
import { ToolCallAssembler } from './upstream-tool-calls.js';

const UPSTREAM_MODEL = 'upstream-name';
const LOOKUP = {
  name: 'lookup_order',
  description: 'Finds an order.',
  parameters: { type: 'object' },
};

let standIn: OpenAiStandIn;
let backend: InferenceBackend;

beforeEach(async () => {
  standIn = await startOpenAiStandIn({ models: [UPSTREAM_MODEL], echoPieceChars: 4 });
  backend = createUpstreamBackend({
    baseUrl: standIn.url,
    upstreamModel: UPSTREAM_MODEL,
    timeoutMs: 5_000,
  });
});

afterEach(async () => {
  await backend.close();
  await standIn.close();
});

const live = (): AbortSignal => new AbortController().signal;

const request: ChatRequest = {
  messages: [
    { role: 'user', content: 'Where is my order?' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_a', name: 'lookup_order', arguments: '{"order":17}' }],
    },
    { role: 'tool', toolCallId: 'call_a', content: '{"order":17,"state":"shipped"}' },
  ],
  options: {},
  tools: [LOOKUP],
  toolChoice: { name: 'lookup_order' },
  parallelToolCalls: false,
};

describe('tools on the wire to an upstream', () => {
  it('sends tools, tool choice and the tool exchange in OpenAI shape', async () => {
    await backend.completeChat(request, live());
    const body = standIn.received.at(-1)?.body as Record<string, unknown>;

    expect(body.tools).toEqual([{ type: 'function', function: LOOKUP }]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'lookup_order' } });
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.messages).toEqual([
      { role: 'user', content: 'Where is my order?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'lookup_order', arguments: '{"order":17}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"order":17,"state":"shipped"}' },
    ]);
  });

  it('reads the calls of a whole answer', async () => {
    const completion = await backend.completeChat(request, live());
    expect(completion.finishReason).toBe('tool_calls');
    expect(completion.toolCalls).toEqual([
      { id: 'call_stand_in_1', name: 'lookup_order', arguments: '{"order":17,"state":"shipped"}' },
    ]);
  });

  it('puts streamed pieces together into one tool-calls event before the finish', async () => {
    const events: ChatStreamEvent[] = [];
    for await (const event of backend.streamChat(request, live())) events.push(event);

    expect(events.map((event) => event.type)).toEqual(['tool-calls-begun', 'tool-calls', 'finish']);
    expect(events[1]).toEqual({
      type: 'tool-calls',
      calls: [
        {
          id: 'call_stand_in_1',
          name: 'lookup_order',
          arguments: '{"order":17,"state":"shipped"}',
        },
      ],
    });
    expect(events[2]).toMatchObject({ type: 'finish', finishReason: 'tool_calls' });
  });
});

describe('assembling streamed tool calls', () => {
  it('joins pieces by index, and a piece without an index to the call before it', () => {
    const assembler = new ToolCallAssembler();
    assembler.add([{ index: 0, id: 'a', function: { name: 'one', arguments: '{"x":' } }]);
    assembler.add([{ index: 1, id: 'b', function: { name: 'two', arguments: '{}' } }]);
    assembler.add([{ index: 0, function: { arguments: '1}' } }]);
    assembler.add([{ function: { arguments: '' } }]);

    expect(assembler.finish()).toEqual([
      { id: 'a', name: 'one', arguments: '{"x":1}' },
      { id: 'b', name: 'two', arguments: '{}' },
    ]);
  });

  it('gives a call without an id one of its own', () => {
    const assembler = new ToolCallAssembler();
    assembler.add([{ index: 0, function: { name: 'one', arguments: { x: 1 } } }]);
    const [call] = assembler.finish() ?? [];
    expect(call?.id).toMatch(/^call_[0-9a-f]{32}$/u);
    expect(call?.arguments).toBe('{"x":1}');
  });

  it.each([
    ['a call without a name', [{ index: 0, function: { arguments: '{}' } }]],
    ['an index past every sensible count', [{ index: 500, function: { name: 'f' } }]],
    [
      'arguments past 4 MiB',
      [{ index: 0, function: { name: 'f', arguments: 'x'.repeat(4_200_000) } }],
    ],
  ])('refuses %s as a malformed answer', (_name, pieces) => {
    const assembler = new ToolCallAssembler();
    const outcome = (() => {
      try {
        assembler.add(pieces);
        return assembler.finish();
      } catch (error) {
        return error;
      }
    })();
    expect(outcome).toBeInstanceOf(MoatError);
    expect((outcome as MoatError).code).toBe('upstream_error');
  });
});
