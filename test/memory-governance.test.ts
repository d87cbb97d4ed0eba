import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/audit/index.js';
import { callJson, newCanary, saveDocument } from './support/memory-client.js';
import { runCliCaptured } from './support/cli-run.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let moat: TestMoat;
let alice: string;
let auditor: string;

beforeAll(async () => {
  moat = await startTestMoat();
  alice = await moat.createKey('alice', ['chat', 'memory']);
  auditor = await moat.createKey('auditor', ['auditor']);
});

afterAll(async () => {
  await moat.stop();
});

/** The id inside a `moat_<id>_<secret>` token. */
function idOf(token: string): string {
  return token.split('_')[1] ?? '';
}

async function auditTrail(query: string): Promise<{ entries: AuditEntry[]; text: string }> {
  const answer = await callJson(moat.url, auditor, {
    method: 'GET',
    path: `/admin/audit?${query}`,
  });
  expect(answer.status).toBe(200);
  return { entries: answer.body.data as AuditEntry[], text: answer.text };
}

describe('memory in the audit log', () => {
  it('records saves, deletions and erasures by owner, item and receipt, never by content', async () => {
    const canary = newCanary('audited');
    const first = await saveDocument(moat.url, alice, { text: canary, title: `title ${canary}` });
    const second = await saveDocument(moat.url, alice, { text: `other ${canary}` });
    const deleted = await callJson(moat.url, alice, {
      method: 'DELETE',
      path: `/v1/memory/${first}`,
    });
    const erased = await callJson(moat.url, alice, { method: 'DELETE', path: '/v1/memory' });
    const receiptIdOf = (body: Record<string, unknown>) =>
      (body.receipt as { payload: { receiptId: string } }).payload.receiptId;

    const owner = idOf(alice);
    const { entries, text } = await auditTrail(`target=owner:${owner}`);
    expect(entries.map((entry) => [entry.action, entry.actor.kind, entry.actor.id])).toEqual([
      ['memory.saved', 'key', owner],
      ['memory.saved', 'key', owner],
      ['memory.deleted', 'key', owner],
      ['memory.erased', 'key', owner],
    ]);
    expect(entries[0]?.targets).toEqual([`owner:${owner}`, `item:${first}`]);
    expect(entries[1]?.targets).toEqual([`owner:${owner}`, `item:${second}`]);
    expect(entries[2]?.targets).toEqual([
      `owner:${owner}`,
      `item:${first}`,
      'items:1',
      `receipt:${receiptIdOf(deleted.body)}`,
    ]);
    expect(entries[3]?.targets).toEqual([
      `owner:${owner}`,
      `item:${second}`,
      'items:1',
      `receipt:${receiptIdOf(erased.body)}`,
    ]);
    expect(text).not.toContain(canary);
    expect(text).not.toContain('title');
  });
});

describe('erasure on an administrator request', () => {
  it('erases the owner, answers a receipt but no content, and records who asked and why', async () => {
    const bob = await moat.createKey('bob', ['chat', 'memory']);
    const canary = newCanary('erase-request');
    const itemId = await saveDocument(moat.url, bob, { text: canary });
    const owners = await callJson(moat.url, moat.adminToken, {
      method: 'GET',
      path: '/admin/memory/owners',
    });
    expect(owners.text).toContain(idOf(bob));
    expect(owners.text).not.toContain(canary);

    const reason = 'Erasure request from the person, ticket on file.';
    const answer = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: '/admin/erasures',
      body: { owner_id: idOf(bob), reason },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.receipt).toMatchObject({
      payload: {
        kind: 'owner-erasure',
        requestedBy: `key:${idOf(moat.adminToken)}`,
        ownerId: idOf(bob),
        items: { count: 1 },
      },
    });
    expect(answer.text).not.toContain(canary);
    const gone = await callJson(moat.url, bob, { method: 'GET', path: `/v1/memory/${itemId}` });
    expect(gone.status).toBe(404);

    const { entries } = await auditTrail('action=erasure.requested');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { kind: 'key', id: idOf(moat.adminToken), role: 'admin' },
      reason,
      outcome: 'ok',
    });
    expect(entries[0]?.targets[0]).toBe(`owner:${idOf(bob)}`);
  });

  it.each([
    [{ owner_id: 'someone' }, 'reason'],
    [{ owner_id: 'someone', reason: 'too short' }, 'reason'],
    [{ owner_id: 'a b', reason: 'The person asked for their data to go.' }, 'owner_id'],
    [{ owner_id: 'x', reason: 'The person asked for their data to go.', extra: 1 }, null],
  ])('refuses %j, naming the field', async (body, param) => {
    const answer = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: '/admin/erasures',
      body,
    });
    expect(answer.status).toBe(400);
    if (param !== null) expect(answer.body.error?.param).toBe(param);
  });
});

describe('the memory direction of the redaction policy', () => {
  it('masks what policy masks before sealing, and refuses what it blocks without saving', async () => {
    const masked = await saveDocument(moat.url, alice, {
      text: 'Card on file: 4111 1111 1111 1111, thanks.',
    });
    const read = await callJson(moat.url, alice, { method: 'GET', path: `/v1/memory/${masked}` });
    expect(read.body.text).toBe('Card on file: [REDACTED CARD], thanks.');

    const before = await callJson(moat.url, alice, { method: 'GET', path: '/v1/memory' });
    const secret = `ghp_${'Zq8'.repeat(12)}`;
    const blocked = await callJson(moat.url, alice, {
      method: 'POST',
      path: '/v1/memory/documents',
      body: { text: `deploy token ${secret}` },
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error?.code).toBe('content_blocked');
    expect(blocked.text).not.toContain(secret);
    const after = await callJson(moat.url, alice, { method: 'GET', path: '/v1/memory' });
    expect(after.body.data).toEqual(before.body.data);
  });
});

describe('signed checkpoints', () => {
  it('leaves a log that verifies once Moat stops, and after a command line erasure', async () => {
    const own = await startTestMoat();
    const dataDir = own.dataDir;
    try {
      const key = await own.createKey('carol', ['chat', 'memory']);
      await saveDocument(own.url, key, { text: 'a note to keep' });
      await own.close();

      const verified = await runCliCaptured(['audit', 'verify', '--data', dataDir, '--json']);
      expect(verified.exitCode).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ isIntact: true });

      const pemFile = join(dataDir, 'moat-public.pem');
      const printed = await runCliCaptured(['audit', 'public-key', '--data', dataDir]);
      expect(printed.stdout).toMatch(
        /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----$/,
      );
      writeFileSync(pemFile, `${printed.stdout}\n`);

      const erased = await runCliCaptured(['erase', '--owner', idOf(key), '--data', dataDir]);
      expect(erased.exitCode).toBe(0);
      const again = await runCliCaptured([
        'audit',
        'verify',
        '--data',
        dataDir,
        '--public-key',
        pemFile,
      ]);
      expect(again.exitCode).toBe(0);
      const shown = await runCliCaptured(['audit', 'show', '--data', dataDir, '--json']);
      const actions = shown.stdout
        .split('\n')
        .map((line) => (JSON.parse(line) as AuditEntry).action);
      expect(actions.slice(-3)).toEqual(['memory.saved', 'audit.stopped', 'memory.erased']);
      expect(readFileSync(join(dataDir, 'moat.log'), 'utf8')).not.toContain('a note to keep');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
