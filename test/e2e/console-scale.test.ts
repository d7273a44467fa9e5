/**
 * The console at scale in a real browser against the real demo stack (Nanyang, 83 nodes): the
 * overview's grid leads to a fault in one click, the device table filters, sorts and exports, the map
 * reads (county tree with its parents greyed, fault marks, a legend, keyboard walking), the wall
 * screen, the county operator's tree, new alerts announced, and an axe-core scan of every page.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNodeId } from '../../domain';
import type { Stack } from '../../demo/stack';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { seriousViolations } from './support/axe';
import { newSession, screenshot, signIn } from './support/browser';

const PASSWORD = 'e2e-scale-passphrase-42';
let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;
let faultId: string | null = null;

beforeAll(async () => {
  demo = await startDemoStack({
    name: 'console-scale',
    password: PASSWORD,
    users: [
      { username: 'city-duty', role: 'operator', scope: null },
      { username: 'nanzhao-duty', role: 'operator', scope: 'nanzhao-gw' },
      { username: 'pki', role: 'pki-admin', scope: null },
    ],
  });
  ({ stack, browser } = demo);
  // A county gateway stops answering: one fault, its county's nodes cut off behind it.
  const injected = stack.simulator.inject({ kind: 'node-down', node: 'xichuan-gw' });
  if (!injected.ok) throw new Error(injected.reason);
  faultId = injected.id;
}, 180_000);

afterAll(async () => {
  if (faultId !== null) stack?.simulator.clear(faultId);
  await demo?.stop();
});

async function openOverview(page: Page): Promise<void> {
  await page.goto(`${stack.url}/#/overview`);
  await page.waitForSelector('[data-testid=overview][data-ready=true]');
}

describe('console at scale', () => {
  it('overview: the faulty county comes first and one click opens its map with the fault marked', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await openOverview(page);
    const first = page.locator('[data-testid=area-cell]').first();
    await expect.poll(() => first.getAttribute('data-area'), { timeout: 30_000 }).toBe('xichuan-gw');
    expect(await first.getAttribute('data-worst')).toMatch(/down|critical/);
    await expect.poll(() => page.locator('[data-testid=fault][data-node=xichuan-gw]').count()).toBe(1);
    expect(await page.locator('[data-testid=tier-zone] button').count()).toBeGreaterThan(3);
    await screenshot(page, 'overview');

    await first.click();
    const map = page.locator('[data-testid=topology]');
    await expect.poll(() => map.getAttribute('data-shape')).toBe('tree');
    expect(await map.getAttribute('data-tree-root')).toBe('xichuan-gw');
    // Every node of the county, and its parents (the city core) greyed to the left.
    const county = stack.topology.descendants(asNodeId('xichuan-gw')).length + 1;
    expect(Number(await map.getAttribute('data-visible'))).toBe(county + 1);
    const canvas = map.locator('canvas');
    await expect
      .poll(async () => (await canvas.getAttribute('data-highlights')) ?? '')
      .toContain('xichuan-gw');
    await expect.poll(() => map.locator('[data-testid=fault-chip][data-node=xichuan-gw]').count()).toBe(1);
    await screenshot(page, 'topology-county-tree');
    await context.close();
  });

  it('overview: ready means drawn with live colours, not a grid of unknowns filled in a second later', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await openOverview(page);
    const known = page.locator('[data-testid=area-cell]').first();
    await expect.poll(() => known.getAttribute('data-area'), { timeout: 30_000 }).toBe('xichuan-gw');
    // The fault is known to the server: a fresh load must show it in its first ready frame.
    await page.reload();
    await page.waitForSelector('[data-testid=overview][data-ready=true]');
    const firstFrame = await page.evaluate<{ area: string | null; worst: string | null; unknown: number }>(
      `(() => {
        const cells = [...document.querySelectorAll('[data-testid=area-cell]')];
        return {
          area: cells[0]?.getAttribute('data-area') ?? null,
          worst: cells[0]?.getAttribute('data-worst') ?? null,
          unknown: cells.filter((c) => c.getAttribute('data-worst') === 'unknown').length,
        };
      })()`,
    );
    expect(firstFrame.area).toBe('xichuan-gw');
    expect(firstFrame.worst).toMatch(/down|critical/);
    expect(firstFrame.unknown).toBe(0);
    await context.close();
  });

  it('device table: filters, sorts, exports CSV, and renders only the rows on screen', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await page.goto(`${stack.url}/#/devices`);
    const table = page.locator('[data-testid=devices]');
    await expect.poll(() => table.getAttribute('data-rows')).toBe(String(stack.topology.size));
    expect(await page.locator('[data-testid=device-row]').count()).toBeLessThan(stack.topology.size);
    // Status first: the unreachable gateway heads the default sort.
    await expect
      .poll(() => page.locator('[data-testid=device-row]').first().getAttribute('data-node'))
      .toBe('xichuan-gw');
    await page.selectOption('[data-testid=filter-zone]', 'video');
    const videoNodes = stack.topology.nodes.filter((n) => n.zone === 'video').length;
    await expect.poll(() => table.getAttribute('data-rows')).toBe(String(videoNodes));
    await page.selectOption('[data-testid=filter-zone]', 'all');
    await page.fill('[data-testid=devices] input[type=search]', '10.41.');
    await page.click('[data-testid=sort-address]');
    const addresses = await page.locator('[data-testid=device-row] td.mono').allInnerTexts();
    const numeric = addresses.map((a) => a.split('.').reduce((sum, o) => sum * 256 + Number(o), 0));
    expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-csv]'),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toContain('管理地址');
    expect(lines.length - 1).toBe(Number(await table.getAttribute('data-rows')));
    await screenshot(page, 'devices');
    await context.close();
  });

  it('map: labelled zoom buttons, a legend for every mark, keyboard walking and Enter to open', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await page.goto(`${stack.url}/#/topology`);
    await page.getByRole('button', { name: '放大' }).click();
    await page.getByRole('button', { name: '缩小' }).click();
    const legend = page.getByRole('group', { name: '图例' });
    for (const label of ['正常', '有告警', '不可达', '故障根源', '受影响', '数据过期', '已收起', '链路中断'])
      expect(await legend.innerText()).toContain(label);
    const surface = page.getByRole('application');
    await surface.focus();
    await page.keyboard.press('Home');
    await expect
      .poll(() => page.locator('#map-announce').innerText())
      .toContain('南阳市电子政务内网核心路由器');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.locator('#map-announce').innerText())
      .not.toContain('南阳市电子政务内网核心路由器');
    await page.waitForSelector('[data-testid=node-card]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=node-detail]');
    expect(page.url()).toContain('#/node/');
    await context.close();
  });

  it('wall screen at 1920×1080: tiles with ≥ 24 px text, no controls, a drill-down that cycles', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.clock.install();
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await page.goto(`${stack.url}/#/wall`);
    await page.waitForSelector('[data-testid=wall-tile]');
    expect(await page.locator('button, input, select').count()).toBe(0);
    const smallest = await page.evaluate<number>(`(() => {
      let min = Infinity;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || node.textContent.trim() === '' || el.closest('.sr-only')) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
      }
      return min;
    })()`);
    expect(smallest).toBeGreaterThanOrEqual(24);
    const drill = page.locator('[data-testid=wall-drill]');
    const firstStop = await drill.innerText();
    expect(firstStop).toContain('淅川县');
    await screenshot(page, 'wall');
    // Two areas have faults (the gateway down, and the demo CA's certificate 5 days from expiry on
    // 西峡县's router): after one cycle the drill-down moves on to the next.
    const faulty = page.locator('[data-testid=wall-tile]:not([data-worst=ok]):not([data-worst=unknown])');
    expect(await faulty.count()).toBeGreaterThanOrEqual(2);
    await page.clock.fastForward(21_000);
    await expect.poll(() => drill.innerText()).not.toBe(firstStop);
    await page.keyboard.press('Escape');
    await page.waitForSelector('nav a[href="#/overview"]');
    await context.close();
  });

  it('county operator: its subtree as a tree, with the city above it greyed', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'nanzhao-duty', PASSWORD);
    const map = page.locator('[data-testid=topology]');
    expect(await map.getAttribute('data-shape')).toBe('tree');
    expect(await map.getAttribute('data-tree-root')).toBe('nanzhao-gw');
    const county = stack.topology.descendants(asNodeId('nanzhao-gw')).length + 1;
    // The scope's parents come from the user's scope path: the city core above the county.
    expect(Number(await map.getAttribute('data-visible'))).toBeGreaterThan(county);
    await screenshot(page, 'topology-county-operator');
    await context.close();
  });

  it('header: in English at 1366 px the brand does not run into the first tab', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav a:has-text("Overview")');
    const brand = await page.locator('header .brand').boundingBox();
    const tab = await page.locator('header nav a').first().boundingBox();
    const right = await page.locator('header .right').boundingBox();
    const nav = await page.locator('header nav').boundingBox();
    if (brand === null || tab === null || right === null || nav === null)
      throw new Error('header not laid out');
    expect(brand.x + brand.width).toBeLessThanOrEqual(tab.x);
    expect(nav.x + nav.width).toBeLessThanOrEqual(right.x);
    await openOverview(page);
    await screenshot(page, 'overview-en');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${stack.url}/#/wall`);
    await page.waitForSelector('[data-testid=wall-tile]');
    expect(await page.locator('[data-testid=wall-drill]').innerText()).toContain('Now showing');
    await screenshot(page, 'wall-en');
    await context.close();
  });

  it('announces a new alert to screen readers through the live region', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-duty', PASSWORD);
    await openOverview(page);
    const injected = stack.simulator.inject({ kind: 'node-down', node: 'zhenping-gw' });
    if (!injected.ok) throw new Error(injected.reason);
    try {
      expect(await page.locator('[data-testid=alert-announcer]').getAttribute('aria-live')).toBe('polite');
      const announced = page.locator('[data-testid=alert-announcer]');
      await expect.poll(() => announced.innerText(), { timeout: 30_000 }).toContain('镇平县');
      expect(await announced.innerText()).toMatch(/^新告警：/);
      // Switching the language re-reads the line in English, like every other text on the page.
      await page.click('[data-testid=lang]');
      await expect.poll(() => announced.innerText()).toMatch(/^New alert: /);
      await page.click('[data-testid=lang]');
    } finally {
      stack.simulator.clear(injected.id);
      await context.close();
    }
  });

  it('axe-core finds no serious or critical violation on any page', async () => {
    const found: Record<string, unknown> = {};
    const loginContext = await browser.newContext({ bypassCSP: true });
    const login = { context: loginContext, page: await loginContext.newPage() };
    await login.page.goto(stack.url);
    await login.page.waitForSelector('form[data-testid=login]');
    const loginFindings = await seriousViolations(login.page);
    if (loginFindings.length > 0) found.login = loginFindings;
    await login.context.close();

    // In this order a page's ready mark is never the previous page's: the two report pages are apart.
    const pages: Array<[string, string, string]> = [
      ['city-duty', 'overview', '[data-testid=overview]'],
      ['city-duty', 'topology', '[data-testid=topology][data-ready=true]'],
      ['city-duty', 'topology/xichuan-gw', '[data-testid=topology][data-shape=tree]'],
      ['city-duty', 'devices', '[data-testid=device-row]'],
      ['city-duty', 'alerts', '[data-testid=alert-list]'],
      ['city-duty', 'reports', '[data-testid=reports-page][data-ready=true]'],
      ['city-duty', 'security', '[data-testid=security-page]'],
      [
        'city-duty',
        `reports/${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)}/county/xichuan-gw`,
        '[data-testid=reports-page][data-ready=true]',
      ],
      ['city-duty', 'video', '[data-testid=video-links]'],
      ['city-duty', 'node/ny-core', '[data-testid=node-detail]'],
      ['city-duty', 'wall', '[data-testid=wall-tile]'],
      ['pki', 'certificates', '[data-testid=cert-row]'],
      ['nanzhao-duty', 'topology', '[data-testid=topology][data-ready=true]'],
    ];
    // One signed-in session per user, its pages reached by the app's own hash navigation: the scan
    // is what this test is about, not fourteen logins and first map renders.
    for (const user of [...new Set(pages.map(([who]) => who))]) {
      // The console's CSP forbids inline scripts, axe's included: this session lifts it for the scan.
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, stack.url, user, PASSWORD);
      for (const [, route, ready] of pages.filter(([who]) => who === user)) {
        await page.goto(`${stack.url}/#/${route}`);
        await page.waitForSelector(ready);
        const findings = await seriousViolations(page);
        if (findings.length > 0) found[`${user} #/${route}`] = findings;
      }
      await context.close();
    }
    expect(found).toEqual({});
  }, 300_000);
});
