import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chat, signIn } from '../test/support/chat-page.js';
import { runCliCaptured } from '../test/support/cli-run.js';
import { CHROMIUM_PATH, launchChromium } from '../test/support/headless-chromium.js';
import { startTestMoat } from '../test/support/test-moat.js';

/**
 * Takes the README's screenshots of the chat page with Debian's Chromium, against a real
 * Moat serving the demo model: `npm run screenshots`. Nothing is downloaded.
 */
const OUT_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const PERSON = { name: 'alice', password: 'screenshot-password' };

const SCREENS = [
  { file: 'sign-in.png', viewport: { width: 900, height: 560 }, show: showSignIn },
  { file: 'chat.png', viewport: { width: 1000, height: 700 }, show: showChat },
  { file: 'chat-phone.png', viewport: { width: 390, height: 760 }, show: showChat },
  { file: 'save.png', viewport: { width: 1000, height: 700 }, show: showSave },
  { file: 'my-data.png', viewport: { width: 1000, height: 760 }, show: showMyData },
  { file: 'my-data-phone.png', viewport: { width: 390, height: 760 }, show: showMyData },
] as const;

async function showSignIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Name').fill(PERSON.name);
}

async function showChat(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await signIn(page, PERSON);
  await chat(page, 'Summarise our data retention rules in three bullet points.');
  await page.locator('#prompt').fill('And which of them apply to backups?');
}

async function showSave(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await signIn(page, PERSON);
  await chat(page, 'Draft a reply to dana@example.org about the backup window.');
  await page.getByRole('button', { name: 'Save…' }).click();
  await page.locator('#retention-days').fill('14');
}

/** Two saved chats, one of them then deleted, so the list and a receipt both show. */
async function showMyData(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await signIn(page, PERSON);
  for (const [question, days] of [
    ['Which backups hold last week’s data?', '7'],
    ['Summarise the retention rules.', '30'],
  ] as const) {
    await page.getByRole('button', { name: 'New chat' }).click();
    await chat(page, question);
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.locator('#retention-days').fill(days);
    await page.locator('#retention-days').press('Enter');
    await page.locator('.storage-line time').waitFor();
  }
  await page.getByRole('button', { name: 'My data' }).click();
  await page.locator('.my-data[aria-busy="false"]').waitFor();
  await page
    .locator('.my-data .item')
    .last()
    .getByRole('button', { name: /^Delete/ })
    .click();
  await page.locator('.receipt').waitFor();
  await page.locator('.my-data[aria-busy="false"]').waitFor();
}

/** Each screen gets a Moat of its own, so that what one saves never shows on another. */
async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  for (const screen of SCREENS) {
    const moat = await startTestMoat();
    await runCliCaptured(
      ['users', 'add', PERSON.name, '--data', moat.dataDir],
      {},
      PERSON.password,
    );
    const browser = await launchChromium(screen.viewport);
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await screen.show(page, moat.url);
      await page.screenshot({ path: join(OUT_DIR, screen.file) });
      console.log(`wrote docs/screenshots/${screen.file}`);
    } finally {
      await browser.close();
      await moat.stop();
    }
  }
}

console.log(`taking screenshots with ${CHROMIUM_PATH}`);
await main();
