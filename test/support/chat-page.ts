/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';

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
