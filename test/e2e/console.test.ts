/**
 * The operators' console in a real browser against the real stack: simulated network (SNMP),
 * collector, alert engine, CA and console server. Screenshots land in test/.artifacts/screenshots.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession, screenshot, signIn } from './support/browser';
import { asNodeId } from '../../domain';
import type { Stack } from '../../demo/stack';
import { startDemoStack, type DemoStack } from './support/demo-stack';

const PASSWORD = 'e2e-operator-passphrase-42';
let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;

beforeAll(async () => {
  demo = await startDemoStack({
    name: 'console',
    password: PASSWORD,
    users: [
      { username: 'city-duty', role: 'operator', scope: null },
      { username: 'city-watch', role: 'viewer', scope: null },
      { username: 'nanzhao-duty', role: 'operator', scope: 'nanzhao-gw' },
      { username: 'pki', role: 'pki-admin', scope: null },
      { username: 'pw-change', role: 'viewer', scope: null },
    ],
  });
  ({ stack, browser } = demo);
}, 180_000);

afterAll(() => demo?.stop());

describe('console in the browser', () => {
  it('signs in and shows the whole simulated network on the topology', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    const map = page.locator('[data-testid=topology]');
    expect(Number(await map.getAttribute('data-nodes'))).toBe(stack.topology.size);
    expect(Number(await map.getAttribute('data-visible'))).toBe(stack.topology.size);
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.waitForSelector('[data-testid=stream-status]:has-text("实时")');
    // Searching finds a node by its Chinese name and selects it.
    await page.fill('input[type=search]', '淅川县政府');
    await page.click('.matches button');
    await page.waitForSelector('[data-testid=node-card]:has-text("淅川县政府内网路由器")');
    await screenshot(page, 'topology');
    await context.close();
  });

  it('shows an injected fault live, marks its subtree, and an ack reaches a second session', async () => {
    const first = await newSession(browser);
    const second = await newSession(browser);
    await signIn(first.page, stack.url, 'city-duty', PASSWORD);
    await signIn(second.page, stack.url, 'city-watch', PASSWORD);

    const injected = stack.simulator.inject({ kind: 'link-down', a: 'ny-core', b: 'xichuan-gw' });
    if (!injected.ok) throw new Error(injected.reason);

    // The alert arrives over the WebSocket: no reload.
    const row = first.page
      .locator('[data-testid=alert-row][data-rule=uplink-down]', { hasText: '淅川县' })
      .first();
    await row.waitFor({ timeout: 30_000 });
    const map = first.page.locator('[data-testid=topology]');
    await expect
      .poll(async () => (await map.getAttribute('data-root-causes')) ?? '', { timeout: 20_000 })
      .toContain('xichuan');
    await expect
      .poll(async () => Number(await map.getAttribute('data-impacted')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    await screenshot(first.page, 'topology-fault');

    // Acknowledge with a comment in the first session…
    const alertId = await row.getAttribute('data-alert-id');
    expect(alertId).toBeTruthy();
    await row.locator('[data-testid=ack]').click();
    await row.locator('[data-testid=ack-comment]').fill('已通知淅川县网络中心排查光缆');
    // An outage may be marked planned work (the monthly report counts it as maintenance).
    await row.locator('[data-testid=ack-planned]').check();
    await row.locator('[data-testid=ack-submit]').click();
    // …and the viewer in the second session sees it within seconds, also without reload.
    const mirrored = second.page.locator(`[data-testid=alert-row][data-alert-id="${alertId}"]`);
    await expect.poll(() => mirrored.getAttribute('data-status'), { timeout: 5_000 }).toBe('acknowledged');
    await expect
      .poll(() => mirrored.locator('[data-testid=ack-note]').innerText())
      .toContain('已通知淅川县网络中心排查光缆');
    expect(await mirrored.locator('[data-testid=planned-work]').innerText()).toBe('计划内工作');
    // A viewer is not offered the ack button.
    expect(await second.page.locator('[data-testid=ack]').count()).toBe(0);

    await first.page.click('nav a[href="#/alerts"]');
    await first.page.waitForSelector('[data-testid=alert-list] [data-testid=alert-row]');
    await screenshot(first.page, 'alerts');

    stack.simulator.clear(injected.id);
    await first.context.close();
    await second.context.close();
  });

  it('shows a county operator its county only', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'nanzhao-duty', PASSWORD);
    const county = ['nanzhao-gw', ...stack.topology.descendants(asNodeId('nanzhao-gw'))];
    const map = page.locator('[data-testid=topology]');
    expect(Number(await map.getAttribute('data-nodes'))).toBe(county.length);
    await page.fill('input[type=search]', '淅川');
    await page.waitForSelector('.matches .none');
    await page.fill('input[type=search]', '南召');
    await page.waitForSelector('.matches button');
    const alertTexts = await page.locator('[data-testid=alert-row]').allInnerTexts();
    for (const text of alertTexts) expect(text).not.toContain('淅川');
    expect(await page.locator('nav a[href="#/admin"]').count()).toBe(0);
    expect(await page.locator('nav a[href="#/certificates"]').count()).toBe(0);
    await context.close();
  });

  it('opens node detail with live interfaces and history charts', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await page.goto(`${stack.url}/#/node/ny-core`);
    await page.waitForSelector('[data-testid=node-detail] h1:has-text("南阳市电子政务内网核心路由器")');
    await expect
      .poll(() => page.locator('[data-testid=node-detail] tbody tr').count(), { timeout: 15_000 })
      .toBeGreaterThan(3);
    await page.waitForSelector('.uplot', { timeout: 15_000 });
    await screenshot(page, 'node-detail');
    await context.close();
  });

  it('issues a certificate from an uploaded CSR and downloads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csr-'));
    const node = stack.topology.find('wolong-gw');
    const dns = node?.dnsNames[0];
    if (dns === undefined) throw new Error('wolong-gw has no DNS name to put in a CSR');
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'req.csr'),
        '-subj',
        `/CN=${dns}`,
        '-addext',
        `subjectAltName=DNS:${dns}`,
      ],
      { stdio: 'pipe' },
    );

    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'pki', PASSWORD);
    await page.click('nav a[href="#/certificates"]');
    await page.waitForSelector('[data-testid=cert-row]');
    await page.fill('input[name=node]', 'wolong-gw');
    await page.setInputFiles('[data-testid=csr-file]', join(dir, 'req.csr'));
    await expect.poll(() => page.inputValue('textarea')).toContain('BEGIN CERTIFICATE REQUEST');
    await page.click('[data-testid=issue-submit]');
    await page.waitForSelector('[data-testid=issued]', { timeout: 15_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=download-pem]'),
    ]);
    const saved = join(dir, 'cert.pem');
    await download.saveAs(saved);
    const pem = readFileSync(saved, 'utf8');
    expect(pem).toContain('-----BEGIN CERTIFICATE-----');
    const text = execFileSync('openssl', ['x509', '-noout', '-subject', '-in', saved], { encoding: 'utf8' });
    expect(text).toContain(dns);
    await screenshot(page, 'certificates');
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the security administrator set a weekly maintenance window, and the audit administrator find it', async () => {
    const security = stack.otherAdmins.find((admin) => admin.role === 'secadmin');
    const auditor = stack.otherAdmins.find((admin) => admin.role === 'auditadmin');
    if (!security || !auditor) throw new Error('the demo stack did not create the separated administrators');
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, security.username, security.password);
    await page.click('nav a[href="#/admin"]');
    await page.click('button:has-text("静默与维护窗口")');
    await page.selectOption('form.window select', 'xichuan-gw');
    await page.fill('form.window input.reason', '淅川县光缆割接，每周六夜间');
    await page.click('form.window button[type=submit]');
    await page.waitForSelector('td:has-text("淅川县光缆割接，每周六夜间")');
    await context.close();
    const audit = await newSession(browser);
    await signIn(audit.page, stack.url, auditor.username, auditor.password);
    await audit.page.click('nav a[href="#/admin"]');
    await audit.page.waitForSelector('td[title="silence.create"]:has-text("新建静默")');
    await screenshot(audit.page, 'admin-audit-log');
    await audit.context.close();
  });

  it("lets an admin see a user's API tokens and revoke one", async () => {
    if (stack.admin === null) throw new Error('the demo stack did not create a first admin');
    const signedIn = await fetch(`${stack.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'city-watch', password: PASSWORD }),
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const created = await fetch(`${stack.url}/api/tokens`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'wall-display' }),
    });
    const { token } = (await created.json()) as { token: string };
    const asToken = () =>
      fetch(`${stack.url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asToken()).status).toBe(200);

    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, stack.admin.username, stack.admin.password);
    await page.click('nav a[href="#/admin"]');
    await page.click('tr:has(td:text-is("city-watch")) button:has-text("API 令牌")');
    const tokens = page.locator('[data-testid=user-tokens]');
    await tokens.locator('td:text-is("wall-display")').waitFor();
    await screenshot(page, 'admin-user-tokens');
    await tokens.locator('button:has-text("吊销")').click();
    await tokens.locator('text=该用户没有 API 令牌。').waitFor();
    expect((await asToken()).status).toBe(401);
    await context.close();
  });

  it('lets a user change their own password, which ends their other sessions', async () => {
    const other = await newSession(browser);
    await signIn(other.page, stack.url, 'pw-change', PASSWORD);
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'pw-change', PASSWORD);
    await page.click('[data-testid=user-menu]');
    await page.click('[data-testid=change-password]');
    const dialog = page.locator('[role=dialog]');
    const fields = dialog.locator('input[type=password]');
    await fields.nth(0).fill('not-the-password');
    await fields.nth(1).fill('A-new-passphrase-for-pw-change');
    await fields.nth(2).fill('A-new-passphrase-for-pw-change');
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('text=当前密码不正确').waitFor();
    await fields.nth(0).fill(PASSWORD);
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('text=密码已修改').waitFor();
    await screenshot(page, 'change-password');
    // The other browser's stream is closed by the server and it falls back to the login screen.
    await other.page.waitForSelector('form[data-testid=login]', { timeout: 15_000 });
    const oldPassword = await fetch(`${stack.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'pw-change', password: PASSWORD }),
    });
    expect(oldPassword.status).toBe(401);
    await other.context.close();
    await context.close();
  });

  it('sends the operator back to the login screen, saying why, when the session ends', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await context.clearCookies();
    await page.click('nav a[href="#/video"]');
    await page.waitForSelector('form[data-testid=login]:has-text("会话已过期")', { timeout: 10_000 });
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await context.close();
  });

  it('switches to English and remembers the choice', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav a:has-text("Topology")');
    await page.reload();
    await page.waitForSelector('[data-testid=topology][data-ready=true]');
    await page.waitForSelector('nav a:has-text("Alerts")');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot(page, 'topology-en');
    await context.close();
  });
});
