import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, newCanary, saveDocument } from './support/memory-client.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let moat: TestMoat;
let upstream: OpenAiStandIn;
let alice: string;
let bob: string;
let chatOnly: string;

beforeAll(async () => {
  upstream = await startOpenAiStandIn({ models: ['stand-in-model'] });
  moat = await startTestMoat({
    upstreams: [{ name: 'up', baseUrl: upstream.url, upstreamModel: 'stand-in-model' }],
    config: { memory: { retention: { maxDays: 30, dataClasses: { personal: { maxDays: 2 } } } } },
  });
  alice = await moat.createKey('alice', ['chat', 'memory']);
  bob = await moat.createKey('bob', ['chat', 'memory']);
  chatOnly = await moat.createKey('chat-only', ['chat']);
});

afterAll(async () => {
  await moat.stop();
  await upstream.close();
});

const call = async (token: string, route: Parameters<typeof callJson>[2]) =>
  callJson(moat.url, token, route);

describe('documents', () => {
  it('saves text and returns metadata only; the owner reads it back whole', async () => {
    const canary = newCanary('doc');
    const saved = await call(alice, {
      method: 'POST',
      path: '/v1/memory/documents',
      body: { text: `note ${canary}`, title: 'a title', retention_seconds: 3600 },
    });

    expect(saved.status).toBe(201);
    expect(saved.text).not.toContain(canary);
    expect(saved.body).toMatchObject({ object: 'memory.item', kind: 'document' });
    expect(Number(saved.body.expires_at) - Number(saved.body.created_at)).toBe(3600);
    const read = await call(alice, { method: 'GET', path: `/v1/memory/${String(saved.body.id)}` });
    expect(read.body).toMatchObject({ text: `note ${canary}`, title: 'a title' });
  });

  it('reads an uploaded text file in memory and keeps its name inside the sealed content', async () => {
    const canary = newCanary('file');
    const id = await saveDocument(moat.url, alice, {
      file: {
        name: `report-${canary}.md`,
        media_type: 'text/markdown; charset=utf-8',
        data_base64: Buffer.from(`# Heading\n${canary}`).toString('base64'),
      },
    });
    const read = await call(alice, { method: 'GET', path: `/v1/memory/${id}` });
    expect(read.body).toMatchObject({
      text: `# Heading\n${canary}`,
      file_name: `report-${canary}.md`,
    });
  });

  it.each([
    [{ text: 'x', file: { name: 'a', media_type: 'text/plain', data_base64: 'eA==' } }, 400],
    [{ file: { name: 'a.pdf', media_type: 'application/pdf', data_base64: 'eA==' } }, 415],
    [{ file: { name: 'a.txt', media_type: 'text/plain', data_base64: '//79' } }, 415],
    [{ text: 'x', retention_seconds: 31 * 86_400 }, 400],
    [{ text: 'x', data_class: 'personal', retention_seconds: 3 * 86_400 }, 400],
    [{ text: 'x', data_class: 'unheard-of' }, 400],
    [{ text: 'x', extra: 1 }, 400],
  ])('refuses %j with %i, saving nothing', async (body, status) => {
    const before = await call(bob, { method: 'GET', path: '/v1/memory' });
    const answer = await call(bob, { method: 'POST', path: '/v1/memory/documents', body });
    expect(answer.status).toBe(status);
    const after = await call(bob, { method: 'GET', path: '/v1/memory' });
    expect(after.body.data).toEqual(before.body.data);
  });

  it('needs the memory scope', async () => {
    const answer = await call(chatOnly, { method: 'GET', path: '/v1/memory' });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('insufficient_scope');
  });
});

describe('isolation between owners', () => {
  it("answers another owner's id exactly like a missing one, and never lists or finds it", async () => {
    const canary = newCanary('iso');
    const id = await saveDocument(moat.url, alice, { text: `secret plan ${canary}` });
    const missing = `mem_${'0'.repeat(32)}`;

    const theirs = await call(bob, { method: 'GET', path: `/v1/memory/${id}` });
    const absent = await call(bob, { method: 'GET', path: `/v1/memory/${missing}` });
    const malformed = await call(bob, { method: 'GET', path: '/v1/memory/..%2f1' });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(absent.body);
    expect(malformed.body).toEqual(absent.body);
    expect((await call(bob, { method: 'DELETE', path: `/v1/memory/${id}` })).status).toBe(404);

    const listed = await call(bob, { method: 'GET', path: '/v1/memory' });
    expect(listed.text).not.toContain(id);
    const found = await call(bob, {
      method: 'POST',
      path: '/v1/memory/search',
      body: { query: canary },
    });
    expect(found.body.data).toEqual([]);
    expect((await call(alice, { method: 'GET', path: `/v1/memory/${id}` })).status).toBe(200);
  });

  it('shows administrators counts and metadata, never content', async () => {
    const canary = newCanary('admin');
    await saveDocument(moat.url, bob, { text: canary, title: canary });
    const owners = await call(moat.adminToken, { method: 'GET', path: '/admin/memory/owners' });

    expect(owners.status).toBe(200);
    expect(owners.text).not.toContain(canary);
    const rows = owners.body.data as { owner_id: string; item_count: number }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.owner_id.length === 12 && row.item_count > 0)).toBe(true);
    expect((await call(alice, { method: 'GET', path: '/admin/memory/owners' })).status).toBe(403);
  });
});

describe('search and deletion', () => {
  it('finds an item by its words, then nothing once it is deleted, with a signed receipt', async () => {
    const canary = newCanary('del');
    const id = await saveDocument(moat.url, alice, {
      text: `The lighthouse keeper ${canary} paints the stairs blue every spring.`,
    });
    const search = { method: 'POST' as const, path: '/v1/memory/search' };

    const found = await call(alice, { ...search, body: { query: `lighthouse ${canary}` } });
    expect((found.body.data as { id: string }[]).map((item) => item.id)).toContain(id);

    const deleted = await call(alice, { method: 'DELETE', path: `/v1/memory/${id}` });
    expect(deleted.status).toBe(200);
    const receipt = deleted.body.receipt as { payload: Record<string, unknown>; signature: string };
    expect(receipt.payload).toMatchObject({ kind: 'item-deletion', items: { count: 1 } });
    const keys = receipt.payload.keysDestroyed as { role: string; keyId: string }[];
    expect(keys.map((key) => key.role)).toEqual(['item']);
    expect(keys[0]?.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(receipt)).not.toContain(id);

    expect((await call(alice, { method: 'GET', path: `/v1/memory/${id}` })).status).toBe(404);
    for (const query of [canary, 'lighthouse stairs', 'keeper paints blue']) {
      const again = await call(alice, { ...search, body: { query } });
      expect((again.body.data as { id: string }[]).map((item) => item.id)).not.toContain(id);
    }
    expect((await call(alice, { method: 'DELETE', path: `/v1/memory/${id}` })).status).toBe(404);
  });

  it('erases everything of the caller and names the destroyed owner key', async () => {
    const carol = await moat.createKey('carol', ['memory']);
    await saveDocument(moat.url, carol, { text: 'one' });
    await saveDocument(moat.url, carol, { text: 'two' });

    const erased = await call(carol, { method: 'DELETE', path: '/v1/memory' });
    const payload = (erased.body.receipt as { payload: Record<string, unknown> }).payload;
    expect(payload).toMatchObject({ kind: 'owner-erasure', items: { count: 2 } });
    const roles = (payload.keysDestroyed as { role: string }[]).map((key) => key.role);
    expect(roles).toEqual(['owner', 'item', 'item']);
    expect((await call(carol, { method: 'GET', path: '/v1/memory' })).body.data).toEqual([]);
  });
});

describe('chat completions and memory', () => {
  const chat = (extra: Record<string, unknown>) => ({
    method: 'POST' as const,
    path: '/v1/chat/completions',
    body: { model: 'up', messages: [{ role: 'user', content: 'hello there' }], ...extra },
  });

  it('refuses store: true without the memory scope before any inference runs', async () => {
    const requestsBefore = upstream.received.length;
    for (const extra of [{ store: true }, { moat: { memory: { search: 'x' } } }]) {
      const answer = await call(chatOnly, chat(extra));
      expect(answer.status).toBe(403);
      expect(answer.body.error?.code).toBe('insufficient_scope');
    }
    expect(upstream.received.length).toBe(requestsBefore);
  });

  it('refuses a retention past the policy before any inference runs', async () => {
    const requestsBefore = upstream.received.length;
    const answer = await call(alice, chat({ store: true, moat: { retention_seconds: 10 ** 9 } }));
    expect(answer.status).toBe(400);
    expect(answer.body.error?.param).toBe('moat.retention_seconds');
    expect(upstream.received.length).toBe(requestsBefore);
  });

  it('saves nothing without store: true', async () => {
    const dave = await moat.createKey('dave', ['chat', 'memory']);
    await call(dave, chat({}));
    await call(dave, chat({ store: false, stream: true }));
    expect((await call(dave, { method: 'GET', path: '/v1/memory' })).body.data).toEqual([]);
  });

  it('saves the messages and the answer of a whole and of a streamed exchange', async () => {
    const erin = await moat.createKey('erin', ['chat', 'memory']);
    const whole = await call(erin, chat({ store: true }));
    const itemId = (whole.body.moat as { memory_item_id: string }).memory_item_id;
    const item = await call(erin, { method: 'GET', path: `/v1/memory/${itemId}` });
    expect(item.body).toMatchObject({
      kind: 'chat',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(String(item.body.text)).toContain('alpha');

    await call(erin, chat({ store: true, stream: true }));
    const listed = await call(erin, { method: 'GET', path: '/v1/memory' });
    expect((listed.body.data as unknown[]).length).toBe(2);
  });

  it("puts the caller's own matching items, and nobody else's, into the prompt", async () => {
    const mine = newCanary('mine');
    const theirs = newCanary('theirs');
    await saveDocument(moat.url, alice, { text: `zebra migration facts ${mine}` });
    await saveDocument(moat.url, bob, { text: `zebra migration facts ${theirs}` });

    const answer = await call(alice, chat({ moat: { memory: { search: 'zebra migration' } } }));
    expect(answer.status).toBe(200);
    const sent = JSON.stringify(upstream.received.at(-1)?.body);
    expect(sent).toContain(mine);
    expect(sent).not.toContain(theirs);
  });
});
