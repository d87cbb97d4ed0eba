/// <reference lib="dom" />
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAccounts,
  ALICE,
  BOB,
  chat,
  letterCanary,
  noTraces,
  readBrowserTraces,
  signIn,
  waitUntilIdle,
} from './support/chat-page.js';
import { runCliCaptured } from './support/cli-run.js';
import {
  isChromiumAvailable,
  launchChromium,
  type HeadlessBrowser,
} from './support/headless-chromium.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * Save, My data, receipts and the redaction notice of the chat page, in real headless
 * Chromium against a real Moat on the demo model and a real SQLite store. Every request
 * the browser makes is checked to go to Moat's own origin, and every state-changing one to
 * carry the CSRF token.
 */

const DAY_MS = 86_400_000;

const canary = letterCanary;

const hasChromium = isChromiumAvailable();
let moat: TestMoat;
let browser: HeadlessBrowser;
let page: Page;
let folder: string;
const requests: { url: string; method: string; hasCsrf: boolean }[] = [];
const pageComplaints: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  // Account numbers may go to the model (pseudonymized) but never into memory.
  moat = await startTestMoat({
    config: { redaction: { policy: { IBAN_CODE: { memory: 'block' } } } },
  });
  folder = mkdtempSync(join(tmpdir(), 'moat-page-memory-'));
  await addAccounts(moat.dataDir, [ALICE, BOB]);

  browser = await launchChromium();
  await browser.context.route('**/*', async (route) => {
    const sent = route.request();
    const hasCsrf = (await sent.headerValue('x-moat-csrf')) !== null;
    requests.push({ url: sent.url(), method: sent.method(), hasCsrf });
    await (new URL(sent.url()).origin === moat.url ? route.continue() : route.abort());
  });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageComplaints.push(error.name));
  page.on('console', (message) => {
    if (/Content Security Policy|Permissions-Policy|Refused to/i.test(message.text())) {
      pageComplaints.push(message.text());
    }
  });
  await page.goto(moat.url);
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser.close();
  await moat.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** Every file Moat wrote (store, WAL, log, keys), as one buffer to search. */
function bytesMoatWrote(): Buffer {
  const files = (at: string): string[] =>
    readdirSync(at).flatMap((name) => {
      const path = join(at, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  return Buffer.concat(files(moat.dataDir).map((path) => readFileSync(path)));
}

async function openMyData(): Promise<void> {
  await page.getByRole('button', { name: 'My data' }).click();
  await page.locator('.my-data[aria-busy="false"]').waitFor();
}

async function backToChat(): Promise<void> {
  await page.getByRole('button', { name: 'My data' }).click();
  await page.locator('#prompt').waitFor();
}

/** Saves the conversation on screen through the dialog, for `days` days, by keyboard. */
async function saveFor(days: number): Promise<void> {
  await page.getByRole('button', { name: 'Save…' }).focus();
  await page.keyboard.press('Enter');
  const input = page.locator('#retention-days');
  await input.waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('retention-days');
  await input.fill(String(days));
  await input.press('Enter');
  await page.locator('.storage-line time').waitFor();
}

/** Deletes the newest item from My data and waits for its receipt. */
async function deleteNewestItem(): Promise<void> {
  const receipts = await page.locator('.receipt').count();
  await page
    .locator('.my-data .item')
    .first()
    .getByRole('button', { name: /^Delete/ })
    .click();
  await page.locator('.receipt').nth(receipts).waitFor();
}

/** Checks a receipt with `moat receipt verify`, the project's own verification. */
async function verifyReceipt(json: string): Promise<string> {
  const file = join(folder, `receipt-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, json);
  const verified = await runCliCaptured(['receipt', 'verify', file, '--data', moat.dataDir]);
  expect(verified.exitCode).toBe(0);
  return verified.stdout;
}

interface ShownReceipt {
  payload: {
    kind: string;
    items: { count: number; hashedIds: string[] };
    keysDestroyed: { role: string; keyId: string }[];
    destroyedAt: string;
    unrecoverableAfter: string;
  };
}

async function newestReceipt(): Promise<{ json: string; receipt: ShownReceipt }> {
  const json = await page.locator('.receipt').first().locator('.receipt-json').innerText();
  return { json, receipt: JSON.parse(json) as ShownReceipt };
}

/** A call from the page itself, with the session's cookie and CSRF token. */
async function callFromPage(method: string, path: string): Promise<number> {
  return page.evaluate(
    async ({ method: verb, path: target }) => {
      const session = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const answer = await fetch(target, {
        method: verb,
        headers: { 'x-moat-csrf': session.csrfToken },
      });
      return answer.status;
    },
    { method, path },
  );
}

describe.skipIf(!hasChromium)('saving and managing memory on the chat page', () => {
  const unsavedCanary = canary();
  const savedCanary = canary();
  const emailCanary = canary();
  let aliceItemId = '';
  /** The demo model's answer to the saved question; its random weights may give none. */
  let savedAnswer = '';

  it('chats without saving, and nothing of it exists on the server or in the browser', async () => {
    await signIn(page, ALICE);
    await chat(page, `Please repeat ${unsavedCanary}`);

    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(/^Not stored\./);
    expect(bytesMoatWrote().includes(unsavedCanary)).toBe(false);
    expect(bytesMoatWrote().includes(unsavedCanary.slice(6, 14))).toBe(false);
    expect(await readBrowserTraces(page, browser.context)).toEqual(noTraces(['moat_session']));
  });

  it('names the classes redacted before the model saw a message, never the value', async () => {
    await chat(page, `Write to ${emailCanary}@example.com today`);

    const notice = page.locator('.message.user').last().locator('.message-note');
    await expect(notice.innerText()).resolves.toBe(
      'Redacted before the model saw it: EMAIL_ADDRESS',
    );
    await expect(
      page.locator('.message.user').first().locator('.message-note').count(),
    ).resolves.toBe(1);
    await expect(
      page.locator('.message.user').first().locator('.message-note').innerText(),
    ).resolves.toBe('');
    expect(await notice.innerText()).not.toContain(emailCanary);

    // The next request carries that message again; the notice is not repeated under a
    // message that held nothing.
    await chat(page, 'Thanks, that is all');
    const next = page.locator('.message.user').last().locator('.message-note');
    await expect(next.innerText()).resolves.toBe('');
  });

  it('adds a line with Shift+Enter and sends with Enter', async () => {
    const before = await page.locator('.message.user').count();
    await page.locator('#prompt').fill('line one');
    await page.locator('#prompt').press('Shift+Enter');
    await page.keyboard.type('line two');
    await expect(page.locator('#prompt').inputValue()).resolves.toBe('line one\nline two');
    await expect(page.locator('.message.user').count()).resolves.toBe(before);

    await page.locator('#prompt').press('Enter');
    await page.locator('.message.user').nth(before).waitFor();
    await expect(
      page.locator('.message.user').nth(before).locator('.message-body').innerText(),
    ).resolves.toBe('line one\nline two');
    await waitUntilIdle(page);
  });

  it('says in plain words when policy blocks a message, and the next one goes without it', async () => {
    const secret = `password=${canary()}Aa1!`;
    const before = await page.locator('.message.user').count();
    await chat(page, `Log in with ${secret}`);
    await expect(page.locator('.chat .error').innerText()).resolves.toBe(
      'This was blocked by your organisation’s data policy and went nowhere. It holds: SECRET.',
    );
    await expect(
      page.locator('.message.user').nth(before).locator('.message-note').innerText(),
    ).resolves.toBe('Not sent, and not part of the conversation.');

    const sent = page.waitForRequest((request) => request.url().endsWith('/v1/chat/completions'));
    await chat(page, 'Something harmless');
    expect((await sent).postData()).not.toContain(secret);
    await expect(page.locator('.chat .error').innerText()).resolves.toBe('');
  });

  it('says why a save failed, sends nothing out of bounds, and the line stays true', async () => {
    await page.getByRole('button', { name: 'New chat' }).click();
    await chat(page, 'Pay it to DE89 3704 0044 0532 0130 00 please');
    const saves = () => requests.filter((sent) => sent.url.endsWith('/v1/memory/chats')).length;
    const savesBefore = saves();

    await page.getByRole('button', { name: 'Save…' }).click();
    const error = page.getByRole('dialog').locator('.error');
    await page.locator('#retention-days').fill('400');
    await page.locator('#retention-days').press('Enter');
    await expect(error.innerText()).resolves.toBe('Choose a whole number of days from 1 to 365.');
    expect(saves()).toBe(savesBefore);

    await page.locator('#retention-days').fill('2');
    await page.locator('#retention-days').press('Enter');
    await error.filter({ hasText: 'Saving failed.' }).waitFor();
    await expect(error.innerText()).resolves.toBe(
      'Saving failed. This was blocked by your organisation’s data policy and went nowhere. ' +
        'It holds: IBAN_CODE.',
    );
    expect(saves()).toBe(savesBefore + 1);
    await page.keyboard.press('Escape');
    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(/^Not stored\./);
    const stored = await page.evaluate(async () => {
      const listed = (await (await fetch('/v1/memory')).json()) as { data: unknown[] };
      return listed.data.length;
    });
    expect(stored).toBe(0);
  });

  it('shows the retention before saving, and saves for fewer days when asked', async () => {
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(page.getByRole('button', { name: 'Save…' }).isDisabled()).resolves.toBe(true);
    savedAnswer = await chat(page, `Keep this: ${savedCanary}`);

    await page.getByRole('button', { name: 'Save…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save this conversation' });
    await expect(dialog.innerText()).resolves.toContain('encrypted for 30 days');
    await expect(dialog.innerText()).resolves.toContain('at most 365 days');
    await expect(page.locator('#retention-days').getAttribute('max')).resolves.toBe('365');
    await page.keyboard.press('Escape');
    await expect(dialog.count()).resolves.toBe(0);
    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(/^Not stored\./);

    const startedAt = Date.now();
    await saveFor(3);
    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(
      /^Saved — deleted on .+\. Messages after this are not stored unless you save again\.$/,
    );
    const deletedOn = Date.parse(
      (await page.locator('.storage-line time').getAttribute('datetime')) ?? '',
    );
    expect(Math.abs(deletedOn - (startedAt + 3 * DAY_MS))).toBeLessThan(120_000);
    expect(bytesMoatWrote().includes(savedCanary)).toBe(false);
  });

  it('lists the item in My data, with its kind, creation and expiry, and opens it', async () => {
    await openMyData();
    const rows = page.locator('.my-data .item');
    await expect(rows.count()).resolves.toBe(1);
    aliceItemId = (await rows.first().getAttribute('data-id')) ?? '';
    expect(aliceItemId).toMatch(/^mem_[0-9a-f]{32}$/);
    await expect(rows.first().locator('.kind').innerText()).resolves.toBe('Chat');
    const [created, expires] = await rows
      .first()
      .locator('time')
      .evaluateAll((times) => times.map((time) => Date.parse(time.getAttribute('datetime') ?? '')));
    expect(Math.abs((expires ?? 0) - (created ?? 0) - 3 * DAY_MS)).toBeLessThan(1000);

    const openButton = rows.first().getByRole('button', { name: /^Open/ });
    await openButton.click();
    const dialog = page.getByRole('dialog', { name: 'Saved chat' });
    await expect(dialog.locator('.turn.user').innerText()).resolves.toContain(savedCanary);
    const answers = dialog.locator('.turn.assistant .message-body');
    if (savedAnswer === '') await expect(answers.count()).resolves.toBe(0);
    else expect((await answers.innerText()).trim()).toBe(savedAnswer);
    await page.keyboard.press('Escape');
    await expect(dialog.count()).resolves.toBe(0);
    expect(await openButton.evaluate((button) => document.activeElement === button)).toBe(true);
    await expect(page.content()).resolves.not.toContain(savedCanary);
  });

  it('deletes the item with a signed receipt that verifies and can be downloaded', async () => {
    const itemKeyId = await page.evaluate(async () => {
      const listed = (await (await fetch('/v1/memory')).json()) as { data: { key_id: string }[] };
      return listed.data[0]?.key_id;
    });
    expect(itemKeyId).toMatch(/^[0-9a-z_-]{8,}$/i);
    await deleteNewestItem();
    const { json, receipt } = await newestReceipt();

    expect(receipt.payload.kind).toBe('item-deletion');
    expect(receipt.payload.items).toEqual({
      count: 1,
      hashedIds: [createHash('sha256').update(aliceItemId).digest('hex')],
    });
    expect(receipt.payload.keysDestroyed).toEqual([{ role: 'item', keyId: itemKeyId }]);
    expect(Date.parse(receipt.payload.unrecoverableAfter)).toBeGreaterThan(
      Date.parse(receipt.payload.destroyedAt),
    );
    await expect(page.locator('.receipt').first().innerText()).resolves.toContain(
      'No copy readable after',
    );
    expect(await verifyReceipt(json)).toMatch(/^VALID: item-deletion of 1 item\(s\)/);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download receipt' }).first().click();
    const downloaded = await (await download).path();
    expect(readFileSync(downloaded, 'utf8')).toBe(json);

    await page.locator('.my-data .items .empty').waitFor();
    await backToChat();
    await expect(page.locator('.storage-line').innerText()).resolves.toBe(
      'Not stored. The saved copy of this conversation was deleted.',
    );
  });

  it('keeps the line true when one of two saved copies is deleted', async () => {
    const startedAt = Date.now();
    await saveFor(1);
    await chat(page, 'One more turn');
    await saveFor(2);
    await openMyData();
    await deleteNewestItem();
    await backToChat();

    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(/^Saved — deleted on/);
    const deletedOn = Date.parse(
      (await page.locator('.storage-line time').getAttribute('datetime')) ?? '',
    );
    expect(Math.abs(deletedOn - (startedAt + DAY_MS))).toBeLessThan(120_000);
  });

  it('erases everything only after a confirmation, with its receipt', async () => {
    await saveFor(2);
    await openMyData();
    await expect(page.locator('.my-data .item').count()).resolves.toBe(2);

    await page.getByRole('button', { name: 'Erase everything' }).click();
    const confirm = page.getByRole('dialog', { name: 'Erase everything?' });
    await confirm.waitFor();
    await page.keyboard.press('Escape');
    await expect(confirm.count()).resolves.toBe(0);
    await expect(page.locator('.my-data .item').count()).resolves.toBe(2);

    await page.getByRole('button', { name: 'Erase everything' }).click();
    await confirm.getByRole('button', { name: 'Erase everything' }).click();
    await page.locator('.my-data .items .empty').waitFor();
    await expect(page.locator('.my-data .items').innerText()).resolves.toBe(
      'Nothing is stored for you.',
    );
    const { json, receipt } = await newestReceipt();
    expect(receipt.payload.kind).toBe('owner-erasure');
    expect(receipt.payload.items.count).toBe(2);
    expect(receipt.payload.keysDestroyed.map((key) => key.role).sort()).toEqual([
      'item',
      'item',
      'owner',
    ]);
    expect(await verifyReceipt(json)).toMatch(/^VALID: owner-erasure of 2 item\(s\)/);
  });

  it('fits a phone screen in My data, receipts included', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('shows the next person nothing of the last one, and answers 404 for their item', async () => {
    await backToChat();
    await expect(page.locator('.storage-line').innerText()).resolves.toBe(
      'Not stored. The saved copy of this conversation was deleted.',
    );
    await page.getByRole('button', { name: 'New chat' }).click();
    await chat(page, `Alice's note ${savedCanary}`);
    await saveFor(5);
    await openMyData();
    aliceItemId = (await page.locator('.my-data .item').first().getAttribute('data-id')) ?? '';
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await readBrowserTraces(page, browser.context)).toEqual(noTraces([]));

    await signIn(page, BOB);
    await expect(page.content()).resolves.not.toContain(savedCanary);
    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(/^Not stored\./);
    await openMyData();
    await page.locator('.my-data .items .empty').waitFor();
    await expect(page.content()).resolves.not.toContain(aliceItemId);
    expect(await callFromPage('GET', `/v1/memory/${aliceItemId}`)).toBe(404);
    expect(await callFromPage('DELETE', `/v1/memory/${aliceItemId}`)).toBe(404);
    expect(await readBrowserTraces(page, browser.context)).toEqual(noTraces(['moat_session']));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, ALICE);
    await openMyData();
    await expect(page.locator('.my-data .item').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('broke no rule of its own policy and threw no error', () => {
    expect(pageComplaints).toEqual([]);
  });

  it('sent every request to Moat’s own origin, every change with the CSRF token', () => {
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter((sent) => new URL(sent.url).origin !== moat.url)).toEqual([]);
    const changes = requests.filter(
      (sent) => sent.method !== 'GET' && !sent.url.endsWith('/auth/sign-in'),
    );
    expect(changes.length).toBeGreaterThan(8);
    expect(changes.filter((sent) => !sent.hasCsrf)).toEqual([]);
  });
});
