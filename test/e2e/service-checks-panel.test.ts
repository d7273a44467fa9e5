/**
 * The node page's service checks in Chromium, on the demo stack (its portal, the console's port and
 * fping run as checks): the data exchange server's page lists its portal check as up with a response
 * time and ages, in zh-CN and, after switching, in English.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../demo/stack';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { newSession, screenshot, signIn } from './support/browser';

const PASSWORD = 'e2e-service-checks-42';
let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;

beforeAll(async () => {
  demo = await startDemoStack({
    name: 'checks',
    password: PASSWORD,
    users: [{ username: 'city-viewer', role: 'viewer', scope: null }],
  });
  ({ stack, browser } = demo);
}, 180_000);

afterAll(() => demo?.stop());

describe('service checks on the node page', () => {
  it('lists the portal check as up with its response time, in both languages', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-viewer', PASSWORD);
    const row = page.locator('[data-testid=service-check]', { hasText: 'ny-portal' });
    await expect
      .poll(
        async () => {
          await page.goto(`${stack.url}/#/node/ny-dx`);
          await page
            .waitForSelector('[data-testid=hardware-panel], [data-testid=services-panel]', {
              timeout: 10_000,
            })
            .catch(() => null);
          return row.count();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBe(1);
    expect(await row.getAttribute('data-up')).toBe('true');
    const text = await row.innerText();
    expect(text).toContain('网页');
    expect(text).toContain('正常');
    expect(text).toMatch(/\d+ ms/);
    expect(await page.locator('[data-testid=services-panel] h2').innerText()).toBe('业务服务检查');
    await screenshot(page, 'node-service-checks');

    await page.click('[data-testid=lang]');
    await expect
      .poll(() => page.locator('[data-testid=services-panel] h2').innerText())
      .toBe('Service checks');
    expect(await row.innerText()).toContain('web page');
    await context.close();
  });
});
