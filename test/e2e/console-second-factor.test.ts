/**
 * The second factor in a real browser: an operator enrols TOTP from the user menu (QR code,
 * secret, a first code from Debian's oathtool, ten recovery codes shown once), signs out, and
 * signs in again with the password and a fresh oathtool code; a wrong code and a replayed one are
 * refused on the sign-in screen, in Chinese. A user with a new phone replaces the authenticator with
 * the password and a recovery code.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIST } from '../../console/server';
import type { TotpConfirmResponse, TotpEnrolmentResponse } from '../../console/shared';
import { addUser, login, PASSWORD, startStack, type Stack } from '../console/server/support';
import { ensureWebBuilt, launchChromium, newSession, screenshot, signIn } from './support/browser';

let stack: Stack;
let browser: Browser;

const oathtool = (secret: string) =>
  execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();

async function signOut(page: Page): Promise<void> {
  const logout = page.getByRole('button', { name: '退出登录' });
  // The user menu may still be open from the enrolment.
  if (!(await logout.isVisible())) await page.click('[data-testid=user-menu]');
  await logout.click();
  await page.waitForSelector('form[data-testid=login]');
}

async function submitLogin(page: Page, code: string, username = 'duty'): Promise<void> {
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form[data-testid=login] button[type=submit]');
  await page.waitForSelector('input[name=totpCode]');
  await page.fill('input[name=totpCode]', code);
  await page.click('form[data-testid=login] button[type=submit]');
}

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startStack({ webDist: DEFAULT_WEB_DIST });
  await addUser(stack, 'duty', 'operator', null);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('TOTP in the browser', () => {
  it('enrols with an oathtool code, then signs in with the next one; wrong and replayed codes are refused', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.server.url, 'duty', PASSWORD);
    await page.click('[data-testid=user-menu]');
    await page.click('[data-testid=totp-menu]');
    await page.click('[data-testid=totp-enrol] button.primary');
    const qr = page.locator('[data-testid=totp-qr]');
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const enrolCode = oathtool(secret);
    await page.fill('input[name=totpConfirm]', enrolCode);
    await page.click('[data-testid=totp-enrol] button[type=submit]');
    await expect.poll(() => page.locator('[data-testid=recovery-codes] li').count()).toBe(10);
    await screenshot(page, 'totp-recovery-codes');
    await page.click('[data-testid=totp-enrol] button.primary');
    await signOut(page);

    // The enrolment's code is spent: wait for oathtool's next one.
    await expect.poll(() => oathtool(secret), { timeout: 35_000, interval: 500 }).not.toBe(enrolCode);
    const code = oathtool(secret);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await submitLogin(page, wrong);
    await expect
      .poll(() => page.locator('form[data-testid=login] [role=alert]').textContent())
      .toContain('动态口令错误');

    await page.fill('input[name=totpCode]', code);
    await page.click('form[data-testid=login] button[type=submit]');
    await page.waitForSelector('[data-testid=topology][data-ready=true]', { timeout: 20_000 });
    await signOut(page);

    await submitLogin(page, code);
    await expect
      .poll(() => page.locator('form[data-testid=login] [role=alert]').textContent())
      .toContain('该动态口令已使用过');
    await screenshot(page, 'totp-replay-refused');
    await context.close();
  }, 120_000);

  it('replaces the authenticator of a new phone with the password and a recovery code', async () => {
    await addUser(stack, 'phone', 'operator', null);
    const api = await login(stack.server.url, 'phone');
    const first = (await (
      await api.api('/api/session/totp', { method: 'POST', body: {} })
    ).json()) as TotpEnrolmentResponse;
    const confirmed = await api.api('/api/session/totp/confirm', {
      method: 'POST',
      body: { code: oathtool(first.secret) },
    });
    const { recoveryCodes } = (await confirmed.json()) as TotpConfirmResponse;

    const { context, page } = await newSession(browser);
    await page.goto(stack.server.url);
    await submitLogin(page, recoveryCodes[0] as string, 'phone');
    await page.waitForSelector('[data-testid=topology][data-ready=true]', { timeout: 20_000 });
    await page.click('[data-testid=user-menu]');
    await page.click('[data-testid=totp-menu]');
    const replace = page.locator('[data-testid=totp-replace]');
    await replace.locator('input[type=password]').fill(PASSWORD);
    await replace.locator('input[autocomplete=one-time-code]').fill(recoveryCodes[1] as string);
    await replace.locator('button[type=submit]').click();
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secret).not.toBe(first.secret);
    await page.fill('input[name=totpConfirm]', oathtool(secret));
    await page.click('[data-testid=totp-enrol] button[type=submit]');
    await expect.poll(() => page.locator('[data-testid=recovery-codes] li').count()).toBe(10);
    await page.click('[data-testid=totp-enrol] button.primary');
    await context.close();
  }, 120_000);
});
