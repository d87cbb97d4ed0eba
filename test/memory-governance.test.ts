import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/audit/index.js';
import { hashItemId } from '../src/memory/index.js';
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

/** An item key as the keyring holds it, read beside the running Moat. */
function readWrappedItemKey(file: string, itemId: string): Buffer {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT wrapped FROM item_keys WHERE item_id = ?').get(itemId) as
      { wrapped: Buffer } | undefined;
    if (row === undefined) throw new Error('the item has no key');
    return row.wrapped;
  } finally {
    db.close();
  }
}

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
    expect(entries[0]?.targets).toEqual([`owner:${owner}`, `memory-item:${hashItemId(first)}`]);
    expect(entries[1]?.targets).toEqual([`owner:${owner}`, `memory-item:${hashItemId(second)}`]);
    expect(entries[2]?.targets).toEqual([
      `owner:${owner}`,
      `memory-item:${hashItemId(first)}`,
      'items:1',
      `receipt:${receiptIdOf(deleted.body)}`,
    ]);
    expect(entries[3]?.targets).toEqual([
      `owner:${owner}`,
      `memory-item:${hashItemId(second)}`,
      'items:1',
      `receipt:${receiptIdOf(erased.body)}`,
    ]);
    expect(text).not.toContain(canary);
    expect(text).not.toContain('title');

    const receipts = await callJson(moat.url, alice, {
      method: 'GET',
      path: '/v1/memory/receipts',
    });
    expect(receipts.body.data).toEqual([erased.body.receipt, deleted.body.receipt]);
    const stranger = await moat.createKey('stranger', ['memory']);
    const none = await callJson(moat.url, stranger, { method: 'GET', path: '/v1/memory/receipts' });
    expect(none.body.data).toEqual([]);
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
    const erasedEntry = await auditTrail(`action=memory.erased&target=owner:${idOf(bob)}`);
    expect(erasedEntry.entries[0]?.actor).toEqual({
      kind: 'key',
      id: idOf(moat.adminToken),
      role: 'admin',
    });

    const again = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: '/admin/erasures',
      body: { owner_id: idOf(bob), reason },
    });
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: 'not_found', param: 'owner_id' });
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
    const namedWithSecret = await callJson(moat.url, alice, {
      method: 'POST',
      path: '/v1/memory/documents',
      body: {
        file: {
          name: `${secret}.txt`,
          media_type: 'text/plain',
          data_base64: Buffer.from('plain words').toString('base64'),
        },
      },
    });
    expect(namedWithSecret.status).toBe(422);
    expect(namedWithSecret.text).not.toContain(secret);
    const after = await callJson(moat.url, alice, { method: 'GET', path: '/v1/memory' });
    expect(after.body.data).toEqual(before.body.data);

    const namedWithCard = await saveDocument(moat.url, alice, {
      file: {
        name: 'card 4111 1111 1111 1111.txt',
        media_type: 'text/plain',
        data_base64: Buffer.from('plain words').toString('base64'),
      },
    });
    const opened = await callJson(moat.url, alice, {
      method: 'GET',
      path: `/v1/memory/${namedWithCard}`,
    });
    expect(opened.body.file_name).toBe('card [REDACTED CARD].txt');
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

      const made = await runCliCaptured([
        'keys',
        'create',
        '--name',
        'late',
        '--scopes',
        'chat',
        '--data',
        dataDir,
      ]);
      expect(made.exitCode).toBe(0);
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
      expect(actions.slice(-4)).toEqual([
        'memory.saved',
        'audit.stopped',
        'key.created',
        'memory.erased',
      ]);
      expect(readFileSync(join(dataDir, 'moat.log'), 'utf8')).not.toContain('a note to keep');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('deletion that fails part-way', () => {
  it('issues no receipt, keeps the item for a retry that finishes, and never lets a restore revive it', async () => {
    const own = await startTestMoat();
    const dataDir = own.dataDir;
    try {
      const key = await own.createKey('dave', ['chat', 'memory']);
      const canary = newCanary('retry');
      const itemId = await saveDocument(own.url, key, { text: canary });
      const backupFile = join(dataDir, 'before-delete.json');
      const backedUp = await runCliCaptured([
        'backup',
        'create',
        '--out',
        backupFile,
        '--data',
        dataDir,
      ]);
      expect(backedUp.exitCode).toBe(0);

      // The epoch key file is written through a sibling file; a folder in its place makes
      // that write fail, the first step of a deletion.
      const wrappedKey = readWrappedItemKey(join(dataDir, 'moat.db'), itemId);
      const blocker = join(dataDir, 'epoch-keys.json.next');
      mkdirSync(blocker);
      const failed = await callJson(own.url, key, {
        method: 'DELETE',
        path: `/v1/memory/${itemId}`,
      });
      expect(failed.status).toBe(500);
      expect(failed.body).not.toHaveProperty('receipt');
      const stillThere = await callJson(own.url, key, {
        method: 'GET',
        path: `/v1/memory/${itemId}`,
      });
      expect(stillThere.body.text).toBe(canary);

      rmdirSync(blocker);
      const retried = await callJson(own.url, key, {
        method: 'DELETE',
        path: `/v1/memory/${itemId}`,
      });
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({
        deleted: true,
        receipt: { payload: { items: { count: 1 } } },
      });
      // The destroyed key is in neither the database file nor its write-ahead log.
      for (const file of ['moat.db', 'moat.db-wal']) {
        expect(readFileSync(join(dataDir, file)).indexOf(wrappedKey)).toBe(-1);
      }

      const restored = await runCliCaptured(['backup', 'restore', backupFile, '--data', dataDir]);
      expect(restored.exitCode).toBe(0);
      const afterRestore = await callJson(own.url, key, {
        method: 'GET',
        path: `/v1/memory/${itemId}`,
      });
      expect(afterRestore.status).toBe(404);
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('backups and the master key', () => {
  it('says that owner keys of a backup older than a rotation stay unreadable, and checks API receipts', async () => {
    const own = await startTestMoat();
    const dataDir = own.dataDir;
    const fresh = mkdtempSync(join(tmpdir(), 'moat-restore-'));
    try {
      const key = await own.createKey('erin', ['chat', 'memory']);
      const first = await saveDocument(own.url, key, { text: 'kept for the backup' });
      const second = await saveDocument(own.url, key, { text: 'deleted through the API' });
      const answer = await callJson(own.url, key, {
        method: 'DELETE',
        path: `/v1/memory/${second}`,
      });
      const answerFile = join(dataDir, 'delete-answer.json');
      writeFileSync(answerFile, answer.text);
      const backupFile = join(dataDir, 'backup.json');
      await runCliCaptured(['backup', 'create', '--out', backupFile, '--data', dataDir]);
      await own.close();

      const listed = await runCliCaptured([
        'receipt',
        'list',
        '--owner',
        idOf(key),
        '--data',
        dataDir,
      ]);
      expect(listed.exitCode).toBe(0);
      expect(listed.stdout.split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
        (JSON.parse(answer.text) as { receipt: unknown }).receipt,
      ]);
      const checked = await runCliCaptured(['receipt', 'verify', answerFile, '--data', dataDir]);
      expect(checked.exitCode).toBe(0);
      expect(checked.stdout).toMatch(/^VALID: item-deletion of 1 item\(s\)/);

      const newKey = randomBytes(32).toString('base64');
      const newKeyFile = join(dataDir, 'new-master.key');
      writeFileSync(newKeyFile, newKey, { mode: 0o600 });
      const rotated = await runCliCaptured([
        'keys',
        'rotate-master',
        '--new-key-file',
        newKeyFile,
        '--data',
        dataDir,
      ]);
      expect(rotated.exitCode).toBe(0);

      copyFileSync(join(dataDir, 'epoch-keys.json'), join(fresh, 'epoch-keys.json'));
      const env = { MOAT_MASTER_KEY: newKey };
      const restored = await runCliCaptured(
        ['backup', 'restore', backupFile, '--data', fresh],
        env,
      );
      expect(restored.exitCode).toBe(0);
      expect(restored.stdout).toContain('Restored 1 item(s)');
      expect(restored.stdout).toContain(
        'Skipped 1 owner key(s) wrapped under an earlier master key',
      );
      expect(first).toMatch(/^mem_/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('a DELETE labelled JSON with nothing in it', () => {
  it('is read as having no body, as a DELETE without the label is', async () => {
    const itemId = await saveDocument(moat.url, alice, { text: 'labelled delete' });
    const answer = await request(`${moat.url}/v1/memory/${itemId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
    });
    const body = (await answer.body.json()) as { deleted?: boolean };
    expect(answer.statusCode).toBe(200);
    expect(body.deleted).toBe(true);
  });
});

describe('query strings', () => {
  it('are named as the query string, not the body, when they are refused', async () => {
    const unknown = await callJson(moat.url, alice, { method: 'GET', path: '/v1/memory?sort=new' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/^The query string has a field that Moat/);
    const badLimit = await callJson(moat.url, alice, { method: 'GET', path: '/v1/memory?limit=0' });
    expect(badLimit.body.error).toMatchObject({ param: 'limit' });
    expect(badLimit.body.error?.message).toMatch(/^Field limit must be at least 1/);
  });
});
