/**
 * The Reports page in a real browser against the real demo stack (Nanyang, simulated SNMP, the
 * embedded stores): a county gateway goes down for a few polls, then the page shows this month to
 * date with that outage, changes the period (last month: no readings, said so), drills into the
 * county and back by URL, downloads the CSV, XLSX and PDF (read back), and holds no word of the
 * other language. A county operator cannot drill into another county.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../demo/stack';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { asNodeId } from '../../domain';
import { waitUntil } from '../support/wait';
import { seriousViolations } from './support/axe';
import { newSession, screenshot, signIn } from './support/browser';

const run = promisify(execFile);
const PASSWORD = 'e2e-reports-passphrase-42';
const INVENTORY = 'configs/examples/nanyang.yaml';
const INVENTORY_TEXT = readFileSync(INVENTORY, 'utf8');
const CJK_RUN = /[\u3400-\u9fff]+/g;
const LANGUAGE_NAMES = ['中文'];
const ENGLISH_FRAGMENTS =
  /\b(met|missed|outage|planned|tier|zone|county|fiber|hfc)\b|\d{4}-\d\d-\d\dT\d\d:\d\d/;

let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;
let thisMonth = '';
let lastMonth = '';

function monthOf(atMs: number): string {
  return new Date(atMs + 8 * 3_600_000).toISOString().slice(0, 7);
}

beforeAll(async () => {
  demo = await startDemoStack({
    name: 'reports',
    password: PASSWORD,
    inventoryPath: INVENTORY,
    users: [
      { username: 'report-duty', role: 'operator', scope: null },
      { username: 'nanzhao-duty', role: 'operator', scope: 'nanzhao-gw' },
    ],
  });
  ({ stack, browser } = demo);
  // Xichuan's gateway stops answering until the collector has stored it unreachable, then comes back.
  const down = stack.simulator.inject({ kind: 'node-down', node: 'xichuan-gw' });
  if (!down.ok) throw new Error(down.reason);
  const sinceMs = Date.now();
  await waitUntil(
    'the collector to store xichuan-gw unreachable',
    async () => {
      await stack.metrics.flush();
      const series = await stack.metrics.query({
        measurement: 'node',
        field: 'reachable',
        nodes: [asNodeId('xichuan-gw')],
        startMs: sinceMs,
        endMs: Date.now() + 1000,
        stepS: 2,
        aggregation: 'min',
        groupBy: ['node'],
      });
      return series.some((one) => one.points.some(([, value]) => value === 0));
    },
    { timeoutMs: 90_000 },
  );
  stack.simulator.clear(down.id);
  const nowMs = Date.now();
  thisMonth = monthOf(nowMs);
  const first = Date.parse(`${thisMonth}-01T00:00:00+08:00`);
  lastMonth = monthOf(first - 86_400_000);
}, 180_000);

afterAll(() => demo?.stop());

async function openReady(page: Page, hash: string): Promise<void> {
  await page.goto(`${stack.url}/${hash}`);
  await page.waitForSelector('[data-testid=reports-page][data-ready=true]', { timeout: 60_000 });
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testId}]`)]);
  return file.path();
}

describe('Reports page', () => {
  it('this month to date, another month, a county and back; the files download and read back', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'report-duty', PASSWORD);
    await page.click('nav a[href="#/reports"]');
    await page.waitForSelector('[data-testid=reports-page][data-ready=true]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=report-month]').inputValue()).toBe(thisMonth);
    expect(await page.locator('[data-testid=report-meta]').innerText()).toContain('本月至今');
    // The outage of Xichuan's uplink: counted, and its county first (worst) in the bar chart.
    expect(
      Number(await page.locator('[data-testid=tile-outages] strong').innerText()),
    ).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid=county-bar]').first().getAttribute('data-county')).toBe(
      'xichuan-gw',
    );
    // Today's bar of the daily chart carries the downtime.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const todayBar = page.locator(`[data-testid=day-bar][data-day="${today}"]`);
    expect(Number(await todayBar.getAttribute('data-down-s'))).toBeGreaterThan(0);
    const outages = page.locator('[data-testid=report-table][data-table=outages]');
    expect(await outages.innerText()).toContain('淅川县政府内网路由器');
    await screenshot(page, 'reports');

    // Another period: last month has no readings in this fresh demo, and the page says so.
    await page.selectOption('[data-testid=report-month]', lastMonth);
    await expect.poll(() => page.url()).toContain(`#/reports/${lastMonth}`);
    await page.waitForSelector('[data-testid=report-empty]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=report-empty]').innerText()).toContain(lastMonth);

    // Back to this month, then into the county from its bar.
    await page.selectOption('[data-testid=report-month]', thisMonth);
    await page.waitForSelector('[data-testid=county-bar]', { timeout: 60_000 });
    await page.click('[data-testid=county-bar][data-county=xichuan-gw] a');
    await expect.poll(() => page.url()).toContain(`#/reports/${thisMonth}/county/xichuan-gw`);
    await page.waitForSelector('[data-testid=report-county]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=report-county]').innerText()).toContain('淅川县');
    const nodes = page.locator('[data-testid=report-table][data-table=nodes]');
    await expect
      .poll(() => nodes.getAttribute('data-rows'))
      .toBe(String(stack.topology.descendants('xichuan-gw' as never).length + 1));
    expect(await page.locator('[data-testid=report-table][data-table=links]').innerText()).toContain(
      '淅川县政府内网路由器',
    );
    await screenshot(page, 'reports-county');

    // The county's files: what the page shows, read back.
    const csv = readFileSync(await download(page, 'export-csv'), 'utf8');
    expect(csv).toContain('淅川县政府内网路由器');
    expect(csv).not.toContain('南召县政府内网路由器');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download(page, 'export-xlsx'));
    expect(workbook.getWorksheet('节点 Nodes')?.rowCount).toBe(
      stack.topology.descendants('xichuan-gw' as never).length + 2,
    );
    const { stdout: pdfText } = await run('pdftotext', ['-layout', await download(page, 'export-pdf'), '-']);
    expect(pdfText).toContain('月度可用率与 SLA 报告');
    expect(pdfText).toContain('淅川县政府内网路由器');

    // Back to the whole network, by the link and by the browser's back button.
    await page.click('[data-testid=report-back]');
    await page.waitForSelector('[data-testid=county-bar]', { timeout: 60_000 });
    expect(page.url()).toMatch(new RegExp(`#/reports/${thisMonth}$`));
    await page.goBack();
    await page.waitForSelector('[data-testid=report-county]', { timeout: 60_000 });
    await context.close();
  }, 240_000);

  it('reads in one language at a time: zh-CN without English words, English without Chinese ones', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'report-duty', PASSWORD);
    for (const hash of [`#/reports/${thisMonth}`, `#/reports/${thisMonth}/county/xichuan-gw`]) {
      await openReady(page, hash);
      expect(await page.evaluate(() => document.body.innerText), `zh-CN ${hash}`).not.toMatch(
        ENGLISH_FRAGMENTS,
      );
    }
    await page.click('[data-testid=lang]');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    for (const hash of [`#/reports/${thisMonth}`, `#/reports/${thisMonth}/county/xichuan-gw`]) {
      await openReady(page, hash);
      const foreign = (await page.evaluate(() => document.body.innerText)).match(CJK_RUN) ?? [];
      expect(
        foreign.filter((run) => !INVENTORY_TEXT.includes(run) && !LANGUAGE_NAMES.includes(run)),
        `English ${hash}`,
      ).toEqual([]);
    }
    await screenshot(page, 'reports-en');
    await context.close();
  }, 120_000);

  it("a county operator sees its county's report and cannot drill into another", async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'nanzhao-duty', PASSWORD);
    await openReady(page, '#/reports');
    expect(await page.locator('[data-testid=report-meta]').innerText()).toContain('南召县');
    const bars = page.locator('[data-testid=county-bar]');
    expect(await bars.count()).toBe(1);
    expect(await bars.first().getAttribute('data-county')).toBe('nanzhao-gw');
    await page.goto(`${stack.url}/#/reports/${thisMonth}/county/xichuan-gw`);
    await page.waitForSelector('[role=alert]', { timeout: 30_000 });
    expect(await page.locator('[role=alert]').innerText()).toContain('不在您的管辖范围');
    await context.close();
  }, 120_000);

  it('axe-core finds no serious or critical violation on the page or a county of it', async () => {
    // The console's CSP forbids inline scripts, axe's included: this session lifts it for the scan.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, stack.url, 'report-duty', PASSWORD);
    const found: Record<string, unknown> = {};
    for (const hash of [`#/reports/${thisMonth}`, `#/reports/${thisMonth}/county/xichuan-gw`]) {
      await openReady(page, hash);
      const findings = await seriousViolations(page);
      if (findings.length > 0) found[hash] = findings;
    }
    expect(found).toEqual({});
    await context.close();
  }, 120_000);
});
