/**
 * The Admin page per administrator (三权分立) in Chromium: the system administrator sees users,
 * account policy and host health (no audit) and changes the idle timeout; the audit administrator
 * sees only the audit, exports it as CSV with the console button and verifies its hash chain; the
 * security administrator sees silences and the security policy. In English too.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIST, openIdentity } from '../../console/server';
import { addUser, PASSWORD, startStack, type Stack } from '../console/server/support';
import { ensureWebBuilt, launchChromium, newSession, screenshot, signIn } from './support/browser';

let stack: Stack;
let browser: Browser;

const tabsOf = (page: Page) =>
  page
    .locator('[data-testid=admin] nav.tabs button')
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-testid')));

async function openAdmin(page: Page): Promise<void> {
  await page.goto(`${stack.server.url}/#/admin`);
  await page.waitForSelector('[data-testid=admin]');
}

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startStack({ webDist: DEFAULT_WEB_DIST });
  await addUser(stack, 'sys', 'sysadmin', null);
  await addUser(stack, 'sec', 'secadmin', null);
  await addUser(stack, 'aud', 'auditadmin', null);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the Admin page of each administrator', () => {
  it('system administrator: users, account policy, host; changes the idle timeout', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.server.url, 'sys', PASSWORD);
    await openAdmin(page);
    expect(await tabsOf(page)).toEqual(['admin-tab-users', 'admin-tab-policy', 'admin-tab-host']);
    await page.click('[data-testid=admin-tab-policy]');
    const idle = page.locator('[data-testid=policy-account] input[name=idleTimeoutMin]');
    await expect.poll(() => idle.inputValue()).toBe('15');
    await idle.fill('10');
    await page.click('[data-testid=policy-account] button[type=submit]');
    await page.waitForSelector('[data-testid=policy-account] [role=status]');
    await screenshot(page, 'admin-account-policy');
    // Kept by the server: a fresh load shows it.
    await page.reload();
    await page.waitForSelector('[data-testid=admin]');
    await page.click('[data-testid=admin-tab-policy]');
    await expect.poll(() => idle.inputValue()).toBe('10');
    await context.close();
  }, 60_000);

  it('audit administrator: only the audit; the CSV export button downloads it, the chain verifies', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.server.url, 'aud', PASSWORD);
    await openAdmin(page);
    expect(await tabsOf(page)).toEqual(['admin-tab-audit']);
    await page.waitForSelector('[data-testid=audit-tools]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=audit-export-csv]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^egov-noc-audit-.*\.csv$/);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv).toContain('policy.account');
    expect(csv).toContain(',sys,');
    await page.click('[data-testid=audit-verify]');
    await expect
      .poll(() => page.locator('[data-testid=audit-tools] [role=status]').textContent())
      .toContain('哈希链完整');
    await screenshot(page, 'admin-audit');
    await context.close();
  }, 60_000);

  it('audit administrator: the filter searches the whole audit on the server, past the loaded page', async () => {
    // One revocation, then 250 newer silences: the revocation is not on the first page of 100.
    const writer = openIdentity(stack.dir);
    const write = (action: string, target: string, detail: string) =>
      writer.audit.record({ actor: 'sec', action, target, detail, from: '127.0.0.1' });
    write('certificate.revoke', '7C1D', 'reason=superseded 镇平旧证书');
    for (let i = 0; i < 250; i++) write('silence.create', `s${i}`, `维护窗口 ${i}`);
    writer.close();

    const { context, page } = await newSession(browser);
    await signIn(page, stack.server.url, 'aud', PASSWORD);
    await openAdmin(page);
    const rows = page.locator('[data-testid=admin] table tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    expect(await page.locator('[data-testid=admin] table').textContent()).not.toContain('镇平旧证书');
    // The action list is the server's: it offers the revocation though no loaded row has it.
    const action = page.locator('[data-testid=audit-filter] select[name=action]');
    await expect
      .poll(() =>
        action.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value'))),
      )
      .toContain('certificate.revoke');

    await page.fill('[data-testid=audit-filter] input[name=q]', '镇平旧');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('镇平旧证书')]);
    expect(await rows.first().textContent()).toContain('7C1D');
    await screenshot(page, 'admin-audit-filter');

    // Paging stays within the filter: 111 silences match "窗口 1" (1, 10–19, 100–199).
    await page.fill('[data-testid=audit-filter] input[name=q]', '窗口 1');
    await action.selectOption('silence.create');
    // Both filters applied (the list's query says so) before paging: a page asked for while the
    // action filter is still on its way would be dropped with the older filter's list.
    const applied = new URLSearchParams({ action: 'silence.create', q: '窗口 1' }).toString();
    await expect
      .poll(() => page.locator('[data-testid=audit-log]').getAttribute('data-query'))
      .toBe(`?${applied}`);
    const matching = async () =>
      (await rows.allTextContents()).filter((text) => text.includes('窗口 1')).length;
    await expect.poll(async () => [await rows.count(), await matching()]).toEqual([100, 100]);
    await page.click('[data-testid=admin] button.more');
    await expect.poll(() => rows.count()).toBe(111);
    for (const text of await rows.allTextContents()) expect(text).toContain('窗口 1');
    await expect.poll(() => page.locator('[data-testid=admin] button.more').count()).toBe(0);

    // A time range that ends before anything was written: nothing matches, and it says so.
    await page.fill('[data-testid=audit-filter] input[name=to]', '2020-01-01T00:00');
    await page.waitForSelector('[data-testid=audit-empty]');
    expect(await rows.count()).toBe(0);
    await context.close();
  }, 90_000);

  it('security administrator: silences and the security policy, in English too', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.server.url, 'sec', PASSWORD);
    await openAdmin(page);
    expect(await tabsOf(page)).toEqual(['admin-tab-security', 'admin-tab-silences']);
    await page.click('[data-testid=lang]');
    await page.click('[data-testid=admin-tab-security]');
    await expect
      .poll(() => page.locator('[data-testid=policy-security]').textContent())
      .toContain('must use a second factor');
    await screenshot(page, 'admin-security-policy-en');
    await context.close();
  }, 60_000);
});
