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

/**
 * Transitions and animations are taken at their end state (`animations: 'disabled'`), so no pause
 * stands before a screenshot to let them settle. The timeout is a budget for bounded work (one
 * frame at the session's viewport), not a condition: at load 25–31 on two CPUs a province-sized
 * page took longer than the default 30 s to paint.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
    timeout: SCREENSHOT_BUDGET_MS,
  });
}

const SCREENSHOT_BUDGET_MS = 120_000;
