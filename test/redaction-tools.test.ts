import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStream } from './support/chat-stream.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Redaction of tool exchanges, through a real Moat and the stand-in upstream. Offered tools,
 * the stand-in calls the first one with the last message as arguments (that message itself
 * when it is a JSON object), streamed in three-character pieces: what the upstream records is
 * what the model saw, and what the caller gets back shows what was restored.
 */

let moat: TestMoat;
let upstream: OpenAiStandIn;
/** Answers every chat with `scriptedEvents`, in order, waiting where an event is a promise. */
let scripted: Server;
let scriptedEvents: (string | Promise<void>)[] = [];

const NAME = 'Dana Whitfield';
const EMAIL = 'dana.whitfield@example.org';
const PHONE = '+44 20 7946 0321';
const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
const PROTECTED = [NAME, EMAIL, PHONE, CARD, CARD_DIGITS, 'Whitfield', '7946'];

const MAIL_TOOL = {
  type: 'function',
  function: {
    name: 'send_mail',
    description: 'Sends an email for the user.',
    parameters: {
      type: 'object',
      properties: { to: { type: 'string' }, body: { type: 'string' } },
      required: ['to', 'body'],
    },
  },
};

beforeAll(async () => {
  upstream = await startOpenAiStandIn({ models: ['up'], echoPieceChars: 3 });
  scripted = createServer((incoming, response) => {
    incoming.resume();
    incoming.on('end', () => void sendScript(response));
  });
  await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
  const scriptedUrl = `http://127.0.0.1:${(scripted.address() as AddressInfo).port}/v1`;
  moat = await startTestMoat({
    upstreams: [
      { name: 'up', baseUrl: upstream.url },
      { name: 'scripted', baseUrl: scriptedUrl, upstreamModel: 'scripted' },
    ],
    config: { redaction: { timeoutMs: 120_000 } },
  });
});

afterAll(async () => {
  await moat.stop();
  await upstream.close();
  scripted.close();
});

async function sendScript(response: ServerResponse): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const event of scriptedEvents) {
    if (typeof event === 'string') response.write(`data: ${event}\n\n`);
    else await event;
  }
  response.end();
}

/** One streamed chunk of the scripted upstream. */
function scriptedChunk(delta: object, finishReason: string | null = null): string {
  return JSON.stringify({
    id: 'scripted',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'scripted',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

/** A streamed chat with the scripted upstream, opened. */
function openScriptedStream(): ReturnType<typeof openChatStream> {
  return openChatStream(moat.url, {
    token: moat.adminToken,
    body: {
      model: 'scripted',
      stream: true,
      tools: [MAIL_TOOL],
      messages: [{ role: 'user', content: 'go' }],
    },
  });
}

/** The scripted upstream's answer, streamed through Moat, as the data of each event. */
async function scriptedStream(): Promise<{ status: number; events: string[] }> {
  const stream = await openScriptedStream();
  const events: string[] = [];
  for await (const data of stream.events) events.push(data);
  return { status: stream.status, events };
}

function callsIn(events: readonly string[]): WireCall[] {
  return events
    .filter((data) => data.startsWith('{'))
    .flatMap(
      (data) => (JSON.parse(data) as Partial<ChunkBody>).choices?.[0]?.delta.tool_calls ?? [],
    );
}

async function post(
  body: object,
  token = moat.adminToken,
): Promise<{ status: number; json: ChatAnswer }> {
  const response = await request(`${moat.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, json: (await response.body.json()) as ChatAnswer };
}

interface WireCall {
  index?: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

interface ChatAnswer {
  choices: {
    message: { content: string | null; tool_calls?: WireCall[] };
    finish_reason: string;
  }[];
}

interface ChunkBody {
  choices: { delta: { content?: string; tool_calls?: WireCall[] }; finish_reason: string | null }[];
}

interface UpstreamBody {
  tools?: unknown;
  messages: { role: string; content: string | null; tool_calls?: WireCall[] }[];
}

function upstreamBodiesSince(from: number): UpstreamBody[] {
  return upstream.received.slice(from).map((record) => record.body as UpstreamBody);
}

/** A conversation that called `send_mail` and got its result back. */
function replayedExchange(): object[] {
  const sentArguments = JSON.stringify({
    to: EMAIL,
    body: `Hi ${NAME}`,
    card: Number(CARD_DIGITS),
  });
  return [
    { role: 'user', content: 'Mail my colleague about the refund.' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'send_mail', arguments: sentArguments },
        },
      ],
    },
    {
      role: 'tool',
      tool_call_id: 'call_1',
      content: JSON.stringify({ status: 'sent', to: EMAIL, phone: PHONE, card: CARD }),
    },
  ];
}

/** `messages` after a call of `send_mail` whose result is `content`, under call id `id`. */
function withToolResult(content: string, id = 'call_1'): object {
  return {
    model: 'up',
    tools: [MAIL_TOOL],
    messages: [
      { role: 'user', content: 'Look it up.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id, type: 'function', function: { name: 'send_mail', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: id, content },
    ],
  };
}

describe('a tool result gets the protection a user message gets', () => {
  it('blocks a password told by its key, as in a user message', async () => {
    const content = '{"password":"hunter2hunter2XYZ"}';
    const asUser = await post({ model: 'up', messages: [{ role: 'user', content }] });
    const asTool = await post(withToolResult(content));
    expect([asUser.status, asTool.status]).toEqual([422, 422]);
  });

  it('blocks a password set inside the value of another key, as in a user message', async () => {
    const content = '{"log":"login retried with password=hunter2hunter2XYZ"}';
    const asUser = await post({ model: 'up', messages: [{ role: 'user', content }] });
    const asTool = await post(withToolResult(content));
    expect([asUser.status, asTool.status]).toEqual([422, 422]);
  });

  it.each([
    ['a phone number sent as a number', '{"phone":2025550143}', '2025550143'],
    ['a surname told by its key', '{"customer_name":"Whitfield"}', 'Whitfield'],
    ['an address used as a key', `{"${EMAIL}":{"orders":3}}`, EMAIL],
    ['a name in plain text before a colon', `Orders of "${NAME}": 3`, 'Whitfield'],
  ])('keeps %s from the upstream', async (_name, content, value) => {
    const from = upstream.received.length;
    expect((await post(withToolResult(content))).status).toBe(200);
    expect(JSON.stringify(upstreamBodiesSince(from))).not.toContain(value);
  });

  it('gives the model call ids of its own, the same for a call and its result', async () => {
    const from = upstream.received.length;
    expect((await post(withToolResult('{"ok":true}', EMAIL))).status).toBe(200);
    const [seen] = upstreamBodiesSince(from);
    expect(JSON.stringify(seen)).not.toContain(EMAIL);
    const sent = seen?.messages as { tool_calls?: WireCall[]; tool_call_id?: string }[];
    expect(sent[1]?.tool_calls?.[0]?.id).toBe('call_1');
    expect(sent[2]?.tool_call_id).toBe('call_1');
  });
});

describe('redaction of tool calls', () => {
  it('passes the tools on and restores the values in a whole call', async () => {
    const from = upstream.received.length;
    const prompt = `Mail ${EMAIL} that ${NAME} will call from ${PHONE}.`;
    const answer = await post({
      model: 'up',
      tools: [MAIL_TOOL],
      tool_choice: 'auto',
      messages: [{ role: 'user', content: prompt }],
    });

    expect(answer.status).toBe(200);
    const [seen] = upstreamBodiesSince(from);
    expect(seen?.tools).toEqual([MAIL_TOOL]);
    expect(seen?.messages[0]?.content).toBe(
      'Mail <EMAIL_1> that <PERSON_1> will call from <PHONE_1>.',
    );
    const choice = answer.json.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: 'call_stand_in_1', type: 'function' });
    expect(call?.function.name).toBe('send_mail');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ text: prompt });
  });

  it('holds streamed arguments until they are whole, then sends them restored', async () => {
    const from = upstream.received.length;
    const prompt = `Mail ${EMAIL} that ${NAME} will call.`;
    const stream = await openChatStream(moat.url, {
      token: moat.adminToken,
      body: {
        model: 'up',
        stream: true,
        tools: [MAIL_TOOL],
        messages: [{ role: 'user', content: prompt }],
      },
    });

    const calls: WireCall[] = [];
    let finishReason: string | null = null;
    for await (const data of stream.events) {
      if (data === '[DONE]') break;
      const choice = (JSON.parse(data) as ChunkBody).choices[0];
      calls.push(...(choice?.delta.tool_calls ?? []));
      finishReason = choice?.finish_reason ?? finishReason;
    }

    expect(stream.status).toBe(200);
    expect(finishReason).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_stand_in_1', type: 'function' });
    expect(JSON.parse(calls[0]?.function.arguments ?? '')).toEqual({ text: prompt });
    const seen = JSON.stringify(upstreamBodiesSince(from));
    for (const value of PROTECTED) expect(seen).not.toContain(value);
  });

  it('protects a replayed exchange: earlier arguments and tool results alike', async () => {
    const from = upstream.received.length;
    const answer = await post({ model: 'up', tools: [MAIL_TOOL], messages: replayedExchange() });

    expect(answer.status).toBe(200);
    const [seen] = upstreamBodiesSince(from);
    for (const value of PROTECTED) expect(JSON.stringify(seen)).not.toContain(value);

    // Both stay JSON: values are replaced inside their strings, and the card, sent as a
    // number, becomes a string marker.
    const sent = seen?.messages[1]?.tool_calls?.[0]?.function.arguments ?? '';
    expect(JSON.parse(sent)).toEqual({
      to: '<EMAIL_1>',
      body: 'Hi <PERSON_1>',
      card: '[REDACTED CARD]',
    });
    const result = seen?.messages[2];
    expect(result).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(JSON.parse(result?.content ?? '')).toEqual({
      status: 'sent',
      to: '<EMAIL_1>',
      phone: '<PHONE_1>',
      card: '[REDACTED CARD]',
    });

    // The stand-in's call repeats the tool result; the caller gets the values back.
    const call = answer.json.choices[0]?.message.tool_calls?.[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({
      status: 'sent',
      to: EMAIL,
      phone: PHONE,
      card: '[REDACTED CARD]',
    });
  });

  it('restores a value holding quotes and backslashes as valid JSON', async () => {
    const awkward = `"Dana" \\ Whitfield <${EMAIL}>`;
    const answer = await post({
      model: 'up',
      tools: [MAIL_TOOL],
      messages: [{ role: 'user', content: JSON.stringify({ to: EMAIL, note: awkward }) }],
    });

    const call = answer.json.choices[0]?.message.tool_calls?.[0];
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ to: EMAIL, note: awkward });
  });

  /** The replayed exchange with `key` in the tool's result, or in the earlier call's arguments. */
  function withSecret(place: 'result' | 'arguments', key: string): object[] {
    const exchange = replayedExchange() as { content?: unknown; tool_calls?: WireCall[] }[];
    const call = exchange[1]?.tool_calls?.[0];
    if (place === 'arguments' && call !== undefined) call.function.arguments = `{"auth":"${key}"}`;
    const result = exchange[2];
    if (place === 'result' && result !== undefined) result.content = `{"token":"${key}"}`;
    return exchange;
  }

  it.each(['result', 'arguments'] as const)(
    'blocks a secret in the tool %s before the upstream sees it',
    async (place) => {
      const from = upstream.received.length;
      const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
      const messages = withSecret(place, key);
      const answer = await post({ model: 'up', tools: [MAIL_TOOL], messages });

      expect(answer.status).toBe(422);
      expect(JSON.stringify(answer.json)).not.toContain(key);
      expect(upstream.received.length).toBe(from);
    },
  );

  it('refuses to save a tool exchange to memory rather than save part of it', async () => {
    const from = upstream.received.length;
    const token = await moat.createKey('tool-memory', ['chat', 'memory']);
    const answer = await post(
      { model: 'up', store: true, tools: [MAIL_TOOL], messages: replayedExchange() },
      token,
    );

    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toContain('"param":"store"');
    expect(upstream.received.length).toBe(from);
  });
});

describe('the usual tool loop', () => {
  it('takes the answer message back as it came, refusal and annotations included', async () => {
    const first = await post({
      model: 'up',
      tools: [MAIL_TOOL],
      messages: [{ role: 'user', content: '{"to":"x@example.org"}' }],
    });
    const message = first.json.choices[0]?.message as { tool_calls: WireCall[] };
    const callId = message.tool_calls[0]?.id;
    const second = await post({
      model: 'up',
      tools: [MAIL_TOOL],
      messages: [
        { role: 'user', content: '{"to":"x@example.org"}' },
        { ...message, annotations: [] },
        { role: 'tool', tool_call_id: callId, name: 'send_mail', content: '{"sent":true}' },
      ],
    });
    expect(second.status).toBe(200);
  });
});

describe('tool definitions', () => {
  it('scans descriptions, parameter schemas and stop sequences like the messages', async () => {
    const from = upstream.received.length;
    const tool = {
      type: 'function',
      function: {
        name: 'lookup',
        description: `Ask ${EMAIL} or ring ${PHONE}; card ${CARD}.`,
        parameters: {
          type: 'object',
          properties: { [EMAIL]: { type: 'string', description: `for ${NAME}` } },
        },
      },
    };
    const answer = await post({
      model: 'up',
      tools: [tool],
      stop: [EMAIL],
      messages: [{ role: 'user', content: `Write to ${EMAIL}.` }],
    });

    expect(answer.status).toBe(200);
    const [seen] = upstreamBodiesSince(from) as (UpstreamBody & { stop?: string[] })[];
    for (const value of PROTECTED) expect(JSON.stringify(seen)).not.toContain(value);
    expect(seen?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'Ask <EMAIL_1> or ring <PHONE_1>; card [REDACTED CARD].',
          parameters: {
            type: 'object',
            properties: { '<EMAIL_1>': { type: 'string', description: 'for <PERSON_1>' } },
          },
        },
      },
    ]);
    // The same value has the same placeholder everywhere, so the stop sequence still stops.
    expect(seen?.stop).toEqual(['<EMAIL_1>']);
    expect(seen?.messages[0]?.content).toBe('Write to <EMAIL_1>.');
  });

  it('refuses a parameter schema nested 20,000 deep with a 400 naming it', async () => {
    // Written by hand: JSON.stringify itself cannot go this deep.
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const body =
      `{"model":"up","messages":[{"role":"user","content":"hi"}],` +
      `"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]}`;
    const response = await request(`${moat.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${moat.adminToken}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toMatchObject({
      error: { param: 'tools[0].function.parameters' },
    });
  });
});

describe('streamed calls from upstreams as they really send them', () => {
  const key = 'ghp_' + 'Zq7Lm2Xc9Vb4Nr8Tw1Ys6Kd3Hf5Jg0Pa2Qe8R';
  const piece = (index: number, id: string, args: string) =>
    scriptedChunk({
      tool_calls: [
        { index, id, type: 'function', function: { name: 'send_mail', arguments: args } },
      ],
    });

  it('keeps two calls apart when the server numbers both 0', async () => {
    scriptedEvents = [
      piece(0, 'a', '{"to":"x@example.org"}'),
      piece(0, 'b', '{"to":"y@example.org"}'),
      scriptedChunk({}, 'tool_calls'),
      '[DONE]',
    ];
    const calls = callsIn((await scriptedStream()).events);
    expect(calls.map((call) => [call.index, call.id, call.function.arguments])).toEqual([
      [0, 'a', '{"to":"x@example.org"}'],
      [1, 'b', '{"to":"y@example.org"}'],
    ]);
  });

  it('masks a secret the model writes into streamed arguments', async () => {
    scriptedEvents = [
      piece(0, 'a', '{"auth":"' + key.slice(0, 9)),
      scriptedChunk({ tool_calls: [{ index: 0, function: { arguments: key.slice(9) + '"}' } }] }),
      scriptedChunk({}, 'tool_calls'),
      '[DONE]',
    ];
    const { events } = await scriptedStream();
    expect(events.join('')).not.toContain(key.slice(4, 12));
    expect(JSON.parse(callsIn(events)[0]?.function.arguments ?? '')).toEqual({
      auth: '[REDACTED SECRET]',
    });
  });

  it('starts the answer as soon as a call begins, before it is whole', async () => {
    let finish = (): void => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    scriptedEvents = [piece(0, 'a', '{"to":'), held, piece(0, 'a', '"x"}'), '[DONE]'];

    const stream = await openScriptedStream();
    expect(stream.status).toBe(200);
    const first = await stream.events.next();
    expect(JSON.parse(String(first.value))).toMatchObject({
      choices: [{ delta: { role: 'assistant' } }],
    });
    finish();
    const rest: string[] = [];
    for await (const data of stream.events) rest.push(data);
    expect(callsIn(rest)[0]?.function.arguments).toBe('{"to":"x"}');
  });

  it.each([
    ['an error event before anything else', ['{"error":{"message":"x"}}']],
    ['a call numbered past any real count', [piece(500, 'a', '{}'), '[DONE]']],
    [
      'a name longer than any function name',
      [
        scriptedChunk({
          tool_calls: [{ index: 0, id: 'a', function: { name: 'n'.repeat(5000) } }],
        }),
        '[DONE]',
      ],
    ],
  ])('answers %s with 502 and keeps serving', async (_name, events) => {
    scriptedEvents = events;
    expect((await scriptedStream()).status).toBe(502);

    const after = await post({
      model: 'up',
      messages: [{ role: 'user', content: 'still there?' }],
    });
    expect(after.status).toBe(200);
  });

  it('ends with an error event when the upstream fails after a call began, and keeps serving', async () => {
    scriptedEvents = [piece(0, 'a', '{"to":'), '{"error":{"message":"x"}}'];
    const { status, events } = await scriptedStream();
    expect(status).toBe(200);
    expect(callsIn(events)).toEqual([]);
    expect(JSON.parse(events.at(-1) ?? '{}')).toMatchObject({ error: { code: 'upstream_error' } });

    const after = await post({
      model: 'up',
      messages: [{ role: 'user', content: 'still there?' }],
    });
    expect(after.status).toBe(200);
  });
});
