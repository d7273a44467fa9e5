/**
 * The 设备台账 (Assets) page in Chromium against the demo stack: every node of the Nanyang example
 * with the serial read from its (simulated) device, found by serial, model and address; the XLSX
 * download opens with exceljs and holds exactly the rows shown; the CSV download holds every node; a
 * county operator sees its county only; the page reads in English too; a pulled fan is "module
 * removed" on the node page and in the register's changes, in both languages. Screenshots in
 * test/.artifacts/screenshots.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../demo/stack';
import { ensureWebBuilt, launchChromium, newSession, screenshot, signIn } from './support/browser';

const PASSWORD = 'e2e-assets-passphrase-42';
let stack: Stack;
let browser: Browser;
let stateDir: string;

const row = (page: Page, node: string) => page.locator(`[data-testid=asset-row][data-node="${node}"]`);
const shownRows = async (page: Page) => Number(await page.getAttribute('[data-testid=assets]', 'data-rows'));

/** The register fills from the first polls: refresh until the core router's serial is there. */
async function openAssets(page: Page): Promise<void> {
  await page.click('header nav a[href="#/assets"]');
  await page.waitForSelector('[data-testid=assets]');
  await expect
    .poll(
      async () => {
        await page.click('[data-testid=assets] .actions button >> nth=0');
        return row(page, 'nanzhao-gw').locator('[data-testid=asset-serial]').innerText();
      },
      { timeout: 60_000, interval: 1_000 },
    )
    .toMatch(/^2102351931P0/);
}

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${button}]`)]);
  const path = join(stateDir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

beforeAll(async () => {
  ensureWebBuilt();
  stateDir = mkdtempSync(join(tmpdir(), 'assets-e2e-'));
  stack = await startStack({
    inventoryPath: 'configs/examples/nanyang.yaml',
    stateDir,
    pollIntervalS: 5,
    scenario: false,
    log: pino({ level: 'silent' }),
  });
  for (const [username, scope] of [
    ['city-assets', null],
    ['nanzhao-assets', 'nanzhao-gw'],
  ] as const) {
    const created = await stack.console.users.create(
      { username, displayName: username, role: 'viewer', scope, password: PASSWORD },
      { actor: 'e2e', from: 'local' },
    );
    if (!created.ok) throw new Error(`create ${username}: ${created.message}`);
  }
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('设备台账 in the browser', () => {
  it('finds a device by serial, model and address and exports what it shows', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-assets', PASSWORD);
    await openAssets(page);
    expect(await shownRows(page)).toBe(83);
    await expect.poll(() => page.locator('[data-testid=asset-age]').innerText()).toContain('台账更新于');

    const serial = (await row(page, 'nanzhao-gw').locator('[data-testid=asset-serial]').innerText()).trim();
    await page.fill('[data-testid=asset-search]', serial.toLowerCase());
    await expect.poll(() => shownRows(page)).toBe(1);
    expect(await row(page, 'nanzhao-gw').count()).toBe(1);

    await page.fill('[data-testid=asset-search]', 'AR6280');
    await expect.poll(() => shownRows(page)).toBe(12); // the example's AR6280 county and district routers
    await page.fill('[data-testid=asset-search]', '10.41.3.2');
    await expect.poll(() => shownRows(page)).toBe(1);
    await page.fill('[data-testid=asset-search]', '');
    await page.selectOption('[data-testid=asset-county]', 'xichuan-gw');
    await expect.poll(() => shownRows(page)).toBe(3);

    const xlsxPath = await download(page, 'export-xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxPath);
    const ids = (workbook.getWorksheet('设备台账 Assets')?.getColumn(1).values ?? []).slice(2).map(String);
    expect(ids.sort()).toEqual(['xichuan-gw', 'xichuan-mcu', 'xichuan-sw']);

    await page.selectOption('[data-testid=asset-county]', '');
    await expect.poll(() => shownRows(page)).toBe(83);
    const csv = readFileSync(await download(page, 'export-csv'), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.trim().split('\r\n')).toHaveLength(84);

    await row(page, 'nanzhao-gw').locator('button.parts').click();
    await page.locator('[data-testid=asset-parts]', { hasText: 'PWR1' }).waitFor();
    await screenshot(page, 'assets');

    await page.click('[data-testid=lang]');
    await page.waitForSelector('header nav a:has-text("Assets")');
    await page.locator('[data-testid=asset-parts]', { hasText: 'Parts of' }).waitFor();
    await context.close();
  });

  it("a swapped power supply shows in the node page's asset history and the register's changes", async () => {
    expect(stack.simulator.inject({ kind: 'module-swap', node: 'nanzhao-gw', slot: 'PWR2' }).ok).toBe(true);
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-assets', PASSWORD);
    await page.goto(`${stack.url}/#/node/nanzhao-gw`);
    const change = page.locator('[data-testid=node-asset-change][data-change=module-replaced]');
    // The entity table is read every 10 polls (5 s apart here): reload until the change is recorded.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForSelector('[data-testid=node-asset-history]');
          return change.count();
        },
        { timeout: 120_000, interval: 3_000 },
      )
      .toBe(1);
    expect(await change.innerText()).toMatch(/模块更换\s*PWR2 · 序列号\s*2102351931P0\w+ → 2102351931P0\w+/);
    await page.click('header nav a[href="#/assets"]');
    await page
      .locator('[data-testid=asset-change][data-change=module-replaced]', { hasText: 'PWR2' })
      .waitFor();
    await context.close();
  }, 180_000);

  it('a pulled fan shows as module removed on the node page and in the register, zh-CN then English', async () => {
    expect(stack.simulator.inject({ kind: 'module-remove', node: 'xichuan-gw', slot: 'FAN1' }).ok).toBe(true);
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'city-assets', PASSWORD);
    await page.goto(`${stack.url}/#/node/xichuan-gw`);
    const change = page.locator('[data-testid=node-asset-change][data-change=module-removed]');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForSelector('[data-testid=node-asset-history]');
          return change.count();
        },
        { timeout: 120_000, interval: 3_000 },
      )
      .toBe(1);
    expect(await change.innerText()).toMatch(/模块拔出\s*风扇 FAN1（位于 \S+）\s*序列号 2102351931P0\w+/);
    await page.click('[data-testid=lang]');
    await expect
      .poll(() => change.innerText())
      .toMatch(/Module removed\s*Fan FAN1 \(in \S+\)\s*serial 2102351931P0\w+/);
    await page.click('header nav a[href="#/assets"]');
    await page
      .locator('[data-testid=asset-change][data-change=module-removed]', { hasText: 'Fan FAN1' })
      .waitFor();
    await screenshot(page, 'assets-module-removed-en');
    await page.click('[data-testid=lang]');
    await context.close();
  }, 180_000);

  it('a county operator sees its own county only', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'nanzhao-assets', PASSWORD);
    await openAssets(page);
    expect(await shownRows(page)).toBe(3);
    expect(await row(page, 'xichuan-gw').count()).toBe(0);
    await context.close();
  });
});
