import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where the console tests leave a screenshot of each page (CI keeps the folder). */
export const SCREENSHOT_DIR = join(__dirname, '../../test-output/screenshots');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const MISSING =
  `Chromium is not installed at ${CHROMIUM}: the console tests drive a real browser. ` +
  'Install it with `apt-get update && apt-get install -y chromium` ' +
  '(or point CHROMIUM_PATH at a Chromium binary).';

/**
 * Why the browser tests cannot run here, or null. Only outside CI: a developer's machine with
 * Node.js alone skips them with this reason printed, while CI (which installs Chromium) fails.
 */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM) || process.env.CI ? null : MISSING;
}

/** Debian's Chromium, headless; without it the browser tests fail with the way to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The console must be built (`npm run build`, which `npm test` runs first). */
export function assertConsoleBuilt(): void {
  const index = join(__dirname, '../../dist/console/index.html');
  if (!existsSync(index)) {
    throw new Error(`The console is not built (${index} is missing): run npm run build first.`);
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
