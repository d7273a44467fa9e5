/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, plus the steps every
 * browser test repeats: build the web app when its sources are newer than dist, sign in, screenshot.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

// Launching Chromium and building the web app are shared with the console benchmark (bench/ runs
// from the image too, where test/ is absent).
export { CHROMIUM_ARGS, ensureWebBuilt, launchChromium } from '../../../bench/support/chromium';

export const SCREENSHOTS = 'test/.artifacts/screenshots';

/** A fresh browser session (its own cookies and localStorage) at 1366×768, the smallest screen we support. */
export async function newSession(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return { context, page };
}

export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form[data-testid=login] button[type=submit]');
  await page.waitForSelector('[data-testid=topology][data-ready=true]', { timeout: 20_000 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
