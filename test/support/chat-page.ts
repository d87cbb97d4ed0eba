/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { runCliCaptured } from './cli-run.js';

/** The two people the chat page tests sign in as. */
export const ALICE = { name: 'alice', password: 'alice-password-123' };
export const BOB = { name: 'bob', password: 'bob-password-4567' };

/** Adds chat page accounts to a data folder through `moat users add`, as an operator would. */
export async function addAccounts(
  dataDir: string,
  people: readonly { name: string; password: string }[],
): Promise<void> {
  for (const person of people) {
    const added = await runCliCaptured(
      ['users', 'add', person.name, '--data', dataDir],
      {},
      person.password,
    );
    if (added.exitCode !== 0) throw new Error(`moat users add ${person.name} failed`);
  }
}

/** Letters only, so that no eight-letter piece of it turns up by chance in a binary file. */
export function letterCanary(): string {
  return `zq${[...randomBytes(20)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
}

/** Signs in through the form and waits for the chat to show. */
export async function signIn(
  page: Page,
  credentials: { name: string; password: string },
): Promise<void> {
  await page.getByLabel('Name').fill(credentials.name);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#prompt').waitFor();
}

/** Types a message, sends it with Enter, and waits until the answer is complete. */
export async function chat(page: Page, text: string): Promise<string> {
  const answers = page.locator('.message.assistant');
  const before = await answers.count();
  await page.locator('#prompt').fill(text);
  await page.locator('#prompt').press('Enter');

  await answers.nth(before).waitFor();
  await waitUntilIdle(page);
  return (await answers.nth(before).locator('.message-body').innerText()).trim();
}

/** Waits until no answer is being written: the one button says Send again. */
export async function waitUntilIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('button.send')?.textContent === 'Send');
}

/** Everything the page could have left in the browser, besides the session cookie. */
export interface BrowserTraces {
  localStorage: string;
  sessionStorage: string;
  indexedDbNames: string[];
  cacheNames: string[];
  serviceWorkers: number;
  cookieNames: string[];
}

export async function readBrowserTraces(
  page: Page,
  context: BrowserContext,
): Promise<BrowserTraces> {
  const inPage = await page.evaluate(async () => ({
    localStorage: JSON.stringify(Object.entries(localStorage)),
    sessionStorage: JSON.stringify(Object.entries(sessionStorage)),
    indexedDbNames: (await indexedDB.databases()).map((database) => database.name ?? ''),
    cacheNames: await caches.keys(),
    serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
  }));
  const cookies = await context.cookies();
  return { ...inPage, cookieNames: cookies.map((cookie) => cookie.name) };
}

/** Traces of a page that keeps nothing: empty stores, the session cookie at most. */
export function noTraces(cookieNames: string[]): BrowserTraces {
  return {
    localStorage: '[]',
    sessionStorage: '[]',
    indexedDbNames: [],
    cacheNames: [],
    serviceWorkers: 0,
    cookieNames,
  };
}
