/// <reference lib="dom" />
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findAccessLine } from './support/access-log.js';
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
import {
  isChromiumAvailable,
  launchChromium,
  type HeadlessBrowser,
} from './support/headless-chromium.js';
import { startOpenAiStandIn, type OpenAiStandIn } from './support/openai-stand-in.js';
import { startTestMoat, type TestMoat } from './support/test-moat.js';

/**
 * The chat page in real headless Chromium against a real Moat: sign-in, streaming on the
 * demo model, stop, plain-word errors, sign-out and switching people, while every request
 * the browser makes is checked to go to Moat's own origin.
 */

const SLOW_ANSWER_TOKENS = 400;
const LOG_WAIT = { timeout: 15_000, interval: 100 };

const canary = letterCanary;

const hasChromium = isChromiumAvailable();
let moat: TestMoat;
let slowUpstream: OpenAiStandIn;
let browser: HeadlessBrowser;
let page: Page;
const requestedUrls: string[] = [];
/** Policy violations and uncaught errors the page reported; there must be none. */
const pageComplaints: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  slowUpstream = await startOpenAiStandIn({ answerTokens: SLOW_ANSWER_TOKENS, chunkDelayMs: 20 });
  moat = await startTestMoat({
    upstreams: [
      { name: 'slow', baseUrl: slowUpstream.url, upstreamModel: 'stand-in-model' },
      { name: 'gone', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 500 },
    ],
  });
  await addAccounts(moat.dataDir, [ALICE, BOB]);

  browser = await launchChromium();
  await browser.context.route('**/*', async (route) => {
    requestedUrls.push(route.request().url());
    const isOwnOrigin = new URL(route.request().url()).origin === moat.url;
    await (isOwnOrigin ? route.continue() : route.abort('blockedbyclient'));
  });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageComplaints.push(error.name));
  page.on('console', (message) => {
    if (/Content Security Policy|Permissions-Policy|Refused to/i.test(message.text())) {
      pageComplaints.push(message.text());
    }
  });
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser.close();
  await moat.stop();
  await slowUpstream.close();
});

/** Every file Moat wrote (store, WAL, log), as one buffer to search. */
function bytesMoatWrote(): Buffer {
  const files = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  return Buffer.concat(files(moat.dataDir).map((path) => readFileSync(path)));
}

function lastChatRequest(): Promise<Request> {
  return page.waitForRequest((request) => request.url().endsWith('/v1/chat/completions'));
}

describe.skipIf(!hasChromium)('the chat page in headless Chromium', () => {
  const unsavedCanary = canary();

  it('is served with the strict headers and signs a person in', async () => {
    const response = await page.goto(moat.url);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-');

    await signIn(page, ALICE);
    await expect(page.locator('.user').innerText()).resolves.toBe('alice');
    const models = await page.locator('#model option').allInnerTexts();
    expect(models).toEqual(['demo', 'slow', 'gone']);
    await expect(page.locator('.storage-line').innerText()).resolves.toMatch(/^Not stored\./);
  });

  it('streams an answer from the demo model over server-sent events', async () => {
    const sent = lastChatRequest();
    await chat(page, `Please repeat ${unsavedCanary}`);
    const response = await (await sent).response();

    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/event-stream');
    const requestId = response?.headers()['x-request-id'] ?? '';
    const line = await vi.waitFor(() => findAccessLine(moat.logFile, requestId), LOG_WAIT);
    expect(line).toMatchObject({ model: 'demo', isStream: true, status: 200 });
    expect(line.completionTokens).toBeGreaterThan(1);
  });

  it('stops an answer mid-stream, and generation stops on the server too', async () => {
    await page.locator('#model').selectOption('slow');
    const sent = lastChatRequest();
    await page.locator('#prompt').fill('Tell me a long story');
    await page.locator('#prompt').press('Enter');

    await page.waitForFunction(() => {
      const bodies = document.querySelectorAll('.message.assistant .message-body');
      return (bodies[bodies.length - 1]?.textContent ?? '') !== '';
    });
    await expect(page.locator('button.send').innerText()).resolves.toBe('Stop');
    await page.locator('button.send').click();
    await waitUntilIdle(page);

    await expect(page.locator('.message-note').last().innerText()).resolves.toBe('Stopped.');
    const requestId = (await (await sent).response())?.headers()['x-request-id'] ?? '';
    const line = await vi.waitFor(() => findAccessLine(moat.logFile, requestId), LOG_WAIT);
    expect(line.errorCode).toBe('client_closed_request');
    await vi.waitFor(() => {
      expect(slowUpstream.received.at(-1)?.outcome).toBe('aborted');
    }, LOG_WAIT);
    expect(slowUpstream.received.at(-1)?.chunksSent).toBeLessThan(SLOW_ANSWER_TOKENS);
  });

  it('keeps Enter for the next message while an answer streams, and stops on Escape anywhere', async () => {
    await page.locator('#model').selectOption('slow');
    const sent = lastChatRequest();
    await page.locator('#prompt').fill('Tell me another long story');
    await page.locator('#prompt').press('Enter');
    await page.waitForFunction(() => {
      const bodies = document.querySelectorAll('.message.assistant .message-body');
      return (bodies[bodies.length - 1]?.textContent ?? '') !== '';
    });

    await page.locator('#prompt').fill('and then what happened');
    await page.locator('#prompt').press('Enter');
    await expect(page.locator('button.send').innerText()).resolves.toBe('Stop');
    await expect(page.locator('#prompt').inputValue()).resolves.toBe('and then what happened');

    await page.locator('#model').focus();
    await page.keyboard.press('Escape');
    await waitUntilIdle(page);
    await expect(page.locator('.message-note').last().innerText()).resolves.toBe('Stopped.');
    const requestId = (await (await sent).response())?.headers()['x-request-id'] ?? '';
    const line = await vi.waitFor(() => findAccessLine(moat.logFile, requestId), LOG_WAIT);
    expect(line.errorCode).toBe('client_closed_request');
    await page.locator('#prompt').fill('');
  });

  it('says in plain words when the model cannot be reached', async () => {
    await page.locator('#model').selectOption('gone');
    await chat(page, 'Hello?');

    await expect(page.locator('.chat .error').innerText()).resolves.toBe(
      'The model’s server cannot be reached right now.',
    );
    await page.locator('#model').selectOption('demo');
  });

  it('keeps an unsaved chat nowhere: not in the browser, not on the server', async () => {
    expect(await readBrowserTraces(page, browser.context)).toEqual(noTraces(['moat_session']));
    expect(bytesMoatWrote().includes(unsavedCanary)).toBe(false);
    expect(bytesMoatWrote().includes(unsavedCanary.slice(4, 12))).toBe(false);

    await page.reload();
    await page.locator('#prompt').waitFor();
    await expect(page.locator('.message').count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(unsavedCanary);
  });

  it('signs out, and the next person sees nothing of the last one', async () => {
    await chat(page, `Remember ${unsavedCanary}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await readBrowserTraces(page, browser.context)).toEqual(noTraces([]));
    await expect(page.content()).resolves.not.toContain(unsavedCanary);

    await signIn(page, BOB);
    await expect(page.locator('.user').innerText()).resolves.toBe('bob');
    await expect(page.locator('.message').count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(unsavedCanary);
    expect(await readBrowserTraces(page, browser.context)).toEqual(noTraces(['moat_session']));
  });

  it('broke no rule of its own policy and threw no error', () => {
    expect(pageComplaints).toEqual([]);
  });

  it('made every request to Moat’s own origin', () => {
    expect(requestedUrls.length).toBeGreaterThan(5);
    const elsewhere = requestedUrls.filter((url) => new URL(url).origin !== moat.url);
    expect(elsewhere).toEqual([]);
  });
});
