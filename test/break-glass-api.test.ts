import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/audit/index.js';
import { callJson, newCanary } from './support/memory-client.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

let moat: TestMoat;
const tokens: Record<'app' | 'reader' | 'auditor' | 'secondAdmin', string> = {
  app: '',
  reader: '',
  auditor: '',
  secondAdmin: '',
};

beforeAll(async () => {
  moat = await startTestMoat({ config: { breakGlass: { requireSecondAdmin: true } } });
  tokens.app = await moat.createKey('app', ['chat']);
  tokens.reader = await moat.createKey('reader', ['chat']);
  tokens.auditor = await moat.createKey('auditor', ['auditor']);
  tokens.secondAdmin = await moat.createKey('second-admin', ['admin']);
});

afterAll(async () => {
  await moat.stop();
});

/** The id inside a `moat_<id>_<secret>` token. */
function idOf(token: string): string {
  return token.split('_')[1] ?? '';
}

async function chat(token: string, content: string): Promise<number> {
  const answer = await callJson(moat.url, token, {
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'demo', messages: [{ role: 'user', content }], max_tokens: 2 },
  });
  return answer.status;
}

describe('break-glass through the HTTP API', () => {
  it('captures only once approved, gives captures to the named reader alone, and audits each step', async () => {
    const before = newCanary('before');
    const during = newCanary('during');
    const after = newCanary('after');
    const opened = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: '/admin/break-glass',
      body: {
        keyId: idOf(tokens.app),
        reason: 'The app reports answers cut short after a few words.',
        durationMinutes: 5,
        readerKeyId: idOf(tokens.reader),
      },
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'pending' });
    const grantId = String(opened.body.id);
    const captures = `/v1/break-glass/${grantId}/captures`;

    // Awaiting the second administrator: nothing is captured yet.
    expect(await chat(tokens.app, before)).toBe(200);
    const selfApproval = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: `/admin/break-glass/${grantId}/approve`,
    });
    expect(selfApproval.status).toBe(400);
    const approved = await callJson(moat.url, tokens.secondAdmin, {
      method: 'POST',
      path: `/admin/break-glass/${grantId}/approve`,
    });
    expect(approved.body).toMatchObject({ status: 'open' });

    expect(await chat(tokens.app, during)).toBe(200);
    const metrics = await callJson(moat.url, moat.adminToken, { method: 'GET', path: '/metrics' });
    expect(metrics.text).toMatch(/^moat_break_glass_open_grants 1$/m);

    const read = await callJson(moat.url, tokens.reader, { method: 'GET', path: captures });
    expect(read.status).toBe(200);
    expect(read.body.data).toHaveLength(1);
    expect(read.text).toContain(during);
    expect(read.text).not.toContain(before);
    for (const token of [moat.adminToken, tokens.app, tokens.auditor]) {
      const refused = await callJson(moat.url, token, { method: 'GET', path: captures });
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain(during);
    }

    const listed = await callJson(moat.url, moat.adminToken, {
      method: 'GET',
      path: '/admin/break-glass',
    });
    expect(listed.text).toContain(grantId);
    expect(listed.text).not.toContain(during);
    await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: `/admin/break-glass/${grantId}/close`,
    });
    expect(await chat(tokens.app, after)).toBe(200);
    const afterClose = await callJson(moat.url, tokens.reader, { method: 'GET', path: captures });
    expect(afterClose.body.data).toHaveLength(1);

    const trail = await callJson(moat.url, tokens.auditor, {
      method: 'GET',
      path: '/admin/audit?action=break-glass',
    });
    const entries = trail.body.data as AuditEntry[];
    expect(entries.map((entry) => [entry.action, entry.actor.id, entry.outcome])).toEqual([
      ['break-glass.opened', idOf(moat.adminToken), 'ok'],
      ['break-glass.approved', idOf(tokens.secondAdmin), 'ok'],
      // Moat itself captures, naming the grant and the capture.
      ['break-glass.captured', 'moat', 'ok'],
      ['break-glass.read', idOf(tokens.reader), 'ok'],
      ['break-glass.read-refused', idOf(moat.adminToken), 'refused'],
      ['break-glass.read-refused', idOf(tokens.app), 'refused'],
      ['break-glass.read-refused', idOf(tokens.auditor), 'refused'],
      ['break-glass.closed', idOf(moat.adminToken), 'ok'],
      ['break-glass.read', idOf(tokens.reader), 'ok'],
    ]);
    expect(entries[2]?.targets[1]).toMatch(/^capture:/);
    expect(entries[0]?.reason).toBe('The app reports answers cut short after a few words.');
    expect(entries.every((entry) => entry.targets.includes(`grant:${grantId}`))).toBe(true);

    // The captured text exists only sealed: neither the log nor the audit log holds it.
    const written = readFileSync(moat.logFile, 'utf8') + trail.text;
    for (const canary of [before, during, after]) expect(written).not.toContain(canary);
  });

  it('refuses a reader or an approver made by the administrator who opens the grant', async () => {
    const makeKey = async (scopes: string[]) => {
      const made = await callJson(moat.url, moat.adminToken, {
        method: 'POST',
        path: '/admin/keys',
        body: { name: 'own-making', scopes },
      });
      return made.body as { id: string; token: string };
    };
    const body = {
      keyId: idOf(tokens.app),
      reason: 'Answers for this app lose accented letters.',
      readerKeyId: (await makeKey(['chat'])).id,
    };
    const refused = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: '/admin/break-glass',
      body,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'readerKeyId' });
    expect(refused.body.error?.message).toContain('made by the opener');

    const opened = await callJson(moat.url, moat.adminToken, {
      method: 'POST',
      path: '/admin/break-glass',
      body: { ...body, readerKeyId: idOf(tokens.reader) },
    });
    expect(opened.status).toBe(201);
    const approve = `/admin/break-glass/${String(opened.body.id)}/approve`;
    const ownAdmin = await makeKey(['admin']);
    const selfMade = await callJson(moat.url, ownAdmin.token, { method: 'POST', path: approve });
    expect(selfMade.status).toBe(400);
    expect(selfMade.body.error?.message).toContain('a key that administrator made');
    // Nor through a key made by a key of their own making.
    const madeOnward = await callJson(moat.url, ownAdmin.token, {
      method: 'POST',
      path: '/admin/keys',
      body: { name: 'onward', scopes: ['admin'] },
    });
    const onwardToken = String(madeOnward.body.token);
    const onward = await callJson(moat.url, onwardToken, { method: 'POST', path: approve });
    expect(onward.status).toBe(400);
    const second = await callJson(moat.url, tokens.secondAdmin, { method: 'POST', path: approve });
    expect(second.body).toMatchObject({ status: 'open' });
  });
});
