/**
 * The header at the smallest screen we support (1366×768), for the user who sees the most tabs (a
 * security administrator: certificates and admin too), in both languages: every tab is whole and
 * visible without scrolling the tab strip, and nothing runs into the controls on the right.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../demo/stack';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { newSession, screenshot, signIn } from './support/browser';

const PASSWORD = 'e2e-header-passphrase-42';
let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;

beforeAll(async () => {
  demo = await startDemoStack({
    name: 'console-header',
    password: PASSWORD,
    pollIntervalS: 5,
    users: [{ username: 'sec-officer', displayName: '安全管理员', role: 'secadmin', scope: null }],
  });
  ({ stack, browser } = demo);
}, 180_000);

afterAll(() => demo?.stop());

/** Tabs cut off or pushed out of the strip, and whether the strip must scroll. */
async function hiddenTabs(
  page: Page,
): Promise<{ hidden: string[]; scrolls: boolean; overlapsRight: boolean }> {
  return page.evaluate(() => {
    const nav = document.querySelector('header nav') as HTMLElement;
    const right = document.querySelector('header .right') as HTMLElement;
    const box = nav.getBoundingClientRect();
    const hidden = [...nav.querySelectorAll('a')]
      .filter((tab) => {
        const r = tab.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > box.right + 0.5;
      })
      .map((tab) => tab.textContent?.trim() ?? '');
    return {
      hidden,
      scrolls: nav.scrollWidth > nav.clientWidth + 1,
      overlapsRight: box.right > right.getBoundingClientRect().left,
    };
  });
}

describe('the header at 1366 px', () => {
  it('shows every tab whole, in Chinese and in English, beside the controls', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'sec-officer', PASSWORD);
    await page.waitForSelector('header nav a[href="#/admin"]');
    expect(await page.locator('header nav a').count()).toBe(10);
    expect(await hiddenTabs(page)).toEqual({ hidden: [], scrolls: false, overlapsRight: false });
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav a:has-text("Overview")');
    expect(await hiddenTabs(page)).toEqual({ hidden: [], scrolls: false, overlapsRight: false });
    // The stream state keeps its words for screen readers and as a tooltip when only its dot shows.
    expect(await page.locator('[data-testid=stream-status]').getAttribute('title')).toMatch(
      /Live|Connecting/,
    );
    await screenshot(page, 'header-1366-en');
    await context.close();
  });
});
