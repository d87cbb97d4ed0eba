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

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const moat = await startTestMoat();
  await runCliCaptured(['users', 'add', PERSON.name, '--data', moat.dataDir], {}, PERSON.password);

  try {
    for (const screen of SCREENS) {
      const browser = await launchChromium(screen.viewport);
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await screen.show(page, moat.url);
      await page.screenshot({ path: join(OUT_DIR, screen.file) });
      await browser.close();
      console.log(`wrote docs/screenshots/${screen.file}`);
    }
  } finally {
    await moat.stop();
  }
}

console.log(`taking screenshots with ${CHROMIUM_PATH}`);
await main();
