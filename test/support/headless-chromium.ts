import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's package; no browser is ever downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Set by `.ci/run`: there, a missing browser is a failure, not a skip. */
const REQUIRE_ENV = 'MOAT_REQUIRE_CHROMIUM';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a plain
 * message, except where MOAT_REQUIRE_CHROMIUM=1 says they must run.
 */
export function isChromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env[REQUIRE_ENV] === '1') {
    throw new Error(
      `${CHROMIUM_PATH} is missing and ${REQUIRE_ENV}=1: install the chromium package`,
    );
  }
  console.warn(`browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
  return false;
}

/** Flags that keep the browser from reaching anything but the page under test. */
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--no-pings',
];

export interface HeadlessBrowser {
  context: BrowserContext;
  userDataDir: string;
  close(): Promise<void>;
}

/** One headless Chromium with a fresh profile folder, removed again on close. */
export async function launchChromium(
  viewport = { width: 1100, height: 800 },
): Promise<HeadlessBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'moat-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: QUIET_FLAGS,
    viewport,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  return {
    context,
    userDataDir,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
