import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let standIn: OpenAiStandIn;
let moat: TestMoat;
let client: OpenAI;

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ models: ['stand-in-model'] });
  moat = await startTestMoat({
    upstreams: [{ name: 'upstream', baseUrl: standIn.url, upstreamModel: 'stand-in-model' }],
  });
  client = new OpenAI({ baseURL: `${moat.url}/v1`, apiKey: moat.adminToken, maxRetries: 0 });
});

afterAll(async () => {
  await moat.stop();
  await standIn.close();
});

// On the demo model, greedy decoding of this conversation runs to the token budget with text
// in every answer; sampled at random, a few tokens of its random weights can come out empty.
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Going' },
];
const temperature = 0;

describe.each(['demo', 'upstream'])('the official openai client against model %s', (model) => {
  it('gets a whole chat completion with real usage counts', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages,
      max_completion_tokens: 5,
      temperature,
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(model);
    expect(completion.id).toMatch(/^chatcmpl-/);
    const choice = completion.choices[0];
    expect(choice?.message.role).toBe('assistant');
    expect(typeof choice?.message.content).toBe('string');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(5);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('streams a chat completion ending with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages,
      // The older field is still what most clients send, so it is tested on purpose.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      max_tokens: 6,
      temperature,
      stream: true,
      stream_options: { include_usage: true },
    });

    let text = '';
    const finishReasons: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? '';
      if (choice?.finish_reason) finishReasons.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }

    expect(text.length).toBeGreaterThan(0);
    expect(finishReasons).toHaveLength(1);
    expect(['stop', 'length']).toContain(finishReasons[0]);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(6);
  });

  it('returns one embedding per input', async () => {
    const result = await client.embeddings.create({ model, input: ['first', 'second'] });

    expect(result.data.map((item) => item.index)).toEqual([0, 1]);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(result.data[0]?.embedding.every((value) => Number.isFinite(value))).toBe(true);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });
});

describe('the catalog through the client', () => {
  it('lists exactly the configured models', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id).sort()).toEqual(['demo', 'upstream']);
  });

  it('refuses an unknown model with model_not_found instead of forwarding it', async () => {
    const before = standIn.received.length;
    const failure = client.chat.completions.create({ model: 'gpt-4o', messages });

    await expect(failure).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect(standIn.received.length).toBe(before);
  });

  it('sends the upstream its own model name', async () => {
    await client.chat.completions.create({ model: 'upstream', messages, max_completion_tokens: 2 });
    const last = standIn.received.at(-1)?.body as { model?: string } | undefined;
    expect(last?.model).toBe('stand-in-model');
  });
});

describe('tool calls through the client', () => {
  const tools = [
    {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        description: 'The weather in a city.',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  ];
  const ask = [{ role: 'user' as const, content: '{"city":"Lisbon"}' }];

  it('gets a whole answer that calls a tool, and can send the result back', async () => {
    const completion = await client.chat.completions.create({
      model: 'upstream',
      messages: ask,
      tools,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') return;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Lisbon"}' });

    const followUp = await client.chat.completions.create({
      model: 'upstream',
      tools,
      messages: [
        ...ask,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' },
      ],
    });
    expect(followUp.choices[0]?.message.tool_calls?.[0]?.id).toBe('call_stand_in_1');
  });

  it('streams a tool call that the client puts together', async () => {
    const stream = client.chat.completions.stream({ model: 'upstream', messages: ask, tools });
    const completion = await stream.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function : undefined).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Lisbon"}',
    });
  });
});
