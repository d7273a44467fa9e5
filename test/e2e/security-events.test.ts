/**
 * The 安全事件 page in a real browser against the demo stack: Huawei VRP syslog lines sent over UDP
 * to the demo's syslog receiver (as a county router's relay would) arrive live on the page, are kept
 * in the log store and found by searching for the user; a county's count lists exactly that county's
 * events when clicked; a county operator never sees another county's lines; a node's page lists its recent events. Screenshot in test/.artifacts/screenshots.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../demo/stack';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { newSession, screenshot, signIn } from './support/browser';

const PASSWORD = 'e2e-security-passphrase-42';
let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;

/** Now as a Huawei VRP timestamp in China time: "Dec  6 2026 21:00:05+08:00". */
function vrpTime(atMs: number): string {
  const china = new Date(atMs + 8 * 3600_000);
  const month = china.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(china.getUTCDate()).padStart(2, ' ');
  const time = china.toISOString().slice(11, 19);
  return `${month} ${day} ${china.getUTCFullYear()} ${time}+08:00`;
}

/** A failed SSH login on `node`, relayed from 127.0.0.1 (HOSTNAME names the node). */
async function sendFailedLogin(node: string, user: string, source: string): Promise<void> {
  const line =
    `<188>${vrpTime(Date.now())} ${node} %%01SSH/4/SSH_FAIL(s)[0]:Failed to login through SSH. ` +
    `(IP=${source}, VpnInstanceName=_public_, UserName=${user}, Times=1, FailedReason=Invalid username or password.)`;
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) =>
      socket.send(Buffer.from(line), stack.syslog.udpPort ?? 0, '127.0.0.1', (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  } finally {
    socket.close();
  }
}

const rowsWith = (page: Page, table: string, text: string) =>
  page.locator(`[data-testid=${table}] [data-testid=security-row]`, { hasText: text });

beforeAll(async () => {
  demo = await startDemoStack({
    name: 'security',
    password: PASSWORD,
    pollIntervalS: 5,
    users: [
      { username: 'city-sec', role: 'operator', scope: null },
      { username: 'nanzhao-sec', role: 'operator', scope: 'nanzhao-gw' },
    ],
  });
  ({ stack, browser } = demo);
}, 180_000);

afterAll(() => demo?.stop());

describe('安全事件 in the browser', () => {
  const intruder = `intruder-${randomBytes(3).toString('hex')}`;
  const source = '203.0.113.45';

  it('shows a county router’s failed login live, finds it by user, and counts it under its county', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-sec', PASSWORD);
    await page.click('header nav a:has-text("安全事件")');
    await page.waitForSelector('[data-testid=security-page]');

    await sendFailedLogin('xichuan-gw', intruder, source);
    await rowsWith(page, 'security-live', intruder).waitFor({ timeout: 10_000 });

    await stack.logStore.flush();
    await page.fill('input[name=user]', intruder);
    await page.click('[data-testid=security-search]');
    const row = rowsWith(page, 'security-results', intruder);
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => rowsWith(page, 'security-results', '').count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('淅川县政府内网路由器');
    expect(text).toContain('登录失败');
    expect(text).toContain(source);
    expect(text).toContain('SSH/4/SSH_FAIL');
    await page.locator('[data-testid=security-counties]', { hasText: '淅川县政府内网路由器' }).waitFor();
    await page.locator('[data-testid=security-sources]', { hasText: source }).waitFor();
    await screenshot(page, 'security-events');

    await page.click('[data-testid=lang]');
    await page.waitForSelector('header nav a:has-text("Security events")');
    expect(await row.innerText()).toContain('Login failed');

    // A county's count lists its events (its router's and the nodes' below it), in the results and
    // live: the click sets the county filter, not the router as a node.
    await page.fill('input[name=user]', '');
    await page.click('[data-testid=security-search]');
    const below = `${intruder}-sw`;
    const elsewhere = `${intruder}-nz0`;
    await sendFailedLogin('xichuan-sw', below, '203.0.113.46');
    await sendFailedLogin('nanzhao-gw', elsewhere, '203.0.113.46');
    await rowsWith(page, 'security-live', below).waitFor({ timeout: 10_000 });
    await rowsWith(page, 'security-live', elsewhere).waitFor({ timeout: 10_000 });
    await stack.logStore.flush();
    await page.locator('[data-testid=security-counties] button', { hasText: '淅川县政府内网路由器' }).click();
    await rowsWith(page, 'security-results', below).waitFor({ timeout: 10_000 });
    expect(await page.locator('select[name=county]').inputValue()).toBe('xichuan-gw');
    expect(await page.locator('select[name=county] option:checked').innerText()).toBe('淅川县政府内网路由器');
    expect(await page.locator('input[name=node]').inputValue()).toBe('');
    expect(await rowsWith(page, 'security-results', elsewhere).count()).toBe(0);
    expect(await rowsWith(page, 'security-live', elsewhere).count()).toBe(0);
    expect(await rowsWith(page, 'security-live', below).count()).toBe(1);
    const listed = await page
      .locator('[data-testid=security-results] [data-testid=security-row] td.node a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const href of listed)
      expect(['#/node/xichuan-gw', '#/node/xichuan-sw', '#/node/xichuan-mcu']).toContain(href);
    expect(await rowsWith(page, 'security-results', '').count()).toBe(listed.length);
    await context.close();
  });

  it("a county operator sees its own county's events and never another county's", async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'nanzhao-sec', PASSWORD);
    await page.goto(`${stack.url}/#/security`);
    await page.waitForSelector('[data-testid=security-page]');

    const own = `${intruder}-nz`;
    await sendFailedLogin('xichuan-gw', `${intruder}-xc`, source);
    await sendFailedLogin('nanzhao-gw', own, source);
    await rowsWith(page, 'security-live', own).waitFor({ timeout: 10_000 });
    expect(await rowsWith(page, 'security-live', 'xichuan').count()).toBe(0);
    expect(await rowsWith(page, 'security-live', `${intruder}-xc`).count()).toBe(0);

    await stack.logStore.flush();
    await page.fill('input[name=user]', intruder);
    await page.click('[data-testid=security-search]');
    await page.locator('[data-testid=security-results]', { hasText: '没有符合条件的安全事件' }).waitFor();
    const counties = await page.locator('[data-testid=security-counties]').innerText();
    expect(counties).not.toContain('淅川');

    // The router's own page lists its recent events.
    await page.goto(`${stack.url}/#/node/nanzhao-gw`);
    await rowsWith(page, 'node-security-events', own).waitFor({ timeout: 10_000 });
    expect(await rowsWith(page, 'node-security-events', `${intruder}-xc`).count()).toBe(0);
    await page.locator('[data-testid=node-security]').scrollIntoViewIfNeeded();
    await screenshot(page, 'node-security-events');
    await context.close();
  });
  it('six failed logins from one address are one brute-force alert, for that county only', async () => {
    const attacker = '198.51.100.77';
    for (let attempt = 0; attempt < 6; attempt++)
      await sendFailedLogin('xichuan-gw', `root${attempt}`, attacker);

    const city = await newSession(browser);
    await signIn(city.page, stack.url, 'city-sec', PASSWORD);
    await city.page.click('nav a[href="#/alerts"]');
    const alert = city.page.locator('[data-testid=alert-row]', { hasText: attacker });
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.count()).toBe(1);
    const text = await alert.innerText();
    expect(text).toContain('暴力破解');
    expect(text).toContain('淅川县政府内网路由器');
    await screenshot(city.page, 'brute-force-alert');
    await city.context.close();

    const county = await newSession(browser);
    await signIn(county.page, stack.url, 'nanzhao-sec', PASSWORD);
    await county.page.click('nav a[href="#/alerts"]');
    await county.page.waitForSelector('[data-testid=alert-list]');
    // The stream is live once the alerts in scope are loaded: only then does "none" mean none.
    await county.page.waitForSelector('[data-testid=stream-status].live');
    expect(await county.page.locator('[data-testid=alert-row]', { hasText: attacker }).count()).toBe(0);
    await county.context.close();
  });
});
