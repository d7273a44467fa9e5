/**
 * The county tree (`#/topology/<county>`, as the overview opens it) in Chromium against the real demo
 * stack on the generated province (`egov-noc inventory generate`, about 5,100 nodes, counties of
 * dozens of townships): the map's legend never covers a drawn node or label — as opened, after
 * panning the tree down towards it, zoomed in, and folded — at 1366×768 and 1920×1080, in zh-CN and
 * English; and the page's parts (header, map toolbar, fault chips, map, legend) do not overlap.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNodeId } from '../../domain';
import type { Stack } from '../../demo/stack';
import { generateInventoryYaml } from '../../inventory/generate';
import { startDemoStack, type DemoStack } from './support/demo-stack';
import { screenshot } from './support/browser';

const PASSWORD = 'e2e-map-legend-passphrase-42';
let stack: Stack;
let browser: Browser;
let demo: DemoStack | undefined;
/** The county with the most nodes: the tallest tree, whose bottom rows reach the legend first. */
let county = '';
const inventoryDir = mkdtempSync(join(tmpdir(), 'map-legend-inventory-'));

beforeAll(async () => {
  const inventoryPath = join(inventoryDir, 'province.yaml');
  writeFileSync(inventoryPath, generateInventoryYaml());
  demo = await startDemoStack({
    name: 'map-legend',
    password: PASSWORD,
    users: [{ username: 'legend-duty', role: 'operator', scope: null }],
    inventoryPath,
    // Long enough that this shared machine finishes each round of 5,000 polls, and that no node turns
    // stale while the test runs (a province's stream of stale flips keeps a loaded page busy).
    pollIntervalS: 300,
  });
  ({ stack, browser } = demo);
  const topology = stack.topology;
  const counties = topology.nodes.filter((n) => n.tier === 'county');
  const size = (id: string) => topology.descendants(asNodeId(id)).length;
  const tallest = counties.sort((a, b) => size(b.id) - size(a.id))[0];
  if (tallest === undefined) throw new Error('the generated province has no county');
  county = tallest.id;
}, 300_000);

afterAll(async () => {
  await demo?.stop();
  rmSync(inventoryDir, { recursive: true, force: true });
});

type Box = [x: number, y: number, w: number, h: number];
type ProbedNode = [id: string, x: number, y: number, r: number];
type ProbedLabel = [id: string, ...box: Box];

const overlaps = (a: Box, b: Box): boolean =>
  a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

/** The part of a box (canvas CSS px) the canvas shows, in page px; null when it lies outside. */
function onScreen(box: Box, canvas: Box): Box | null {
  const left = Math.max(box[0], 0);
  const top = Math.max(box[1], 0);
  const right = Math.min(box[0] + box[2], canvas[2]);
  const bottom = Math.min(box[1] + box[3], canvas[3]);
  if (right <= left || bottom <= top) return null;
  return [canvas[0] + left, canvas[1] + top, right - left, bottom - top];
}

async function boxOf(page: Page, selector: string): Promise<Box> {
  const box = await page.locator(selector).first().boundingBox();
  if (box === null) throw new Error(`${selector} is not on screen`);
  return [box.x, box.y, box.width, box.height];
}

/** What the next frames draw: nodes and labels the canvas shows, in page px. */
async function drawnFrame(
  page: Page,
): Promise<{ nodes: Array<[string, Box]>; labels: Array<[string, Box]> }> {
  const canvas = page.locator('[data-testid=topology] canvas');
  await canvas.evaluate((element) => {
    element.dataset.probe = '';
    delete element.dataset.probeNodes;
  });
  // Escape on the map (nothing selected) draws a frame without moving the view.
  await page.locator('[data-testid=topology] [role=application]').press('Escape');
  await expect.poll(() => canvas.getAttribute('data-probe-nodes'), { timeout: 30_000 }).not.toBeNull();
  const canvasBox = await boxOf(page, '[data-testid=topology] canvas');
  const nodes = JSON.parse((await canvas.getAttribute('data-probe-nodes')) ?? '[]') as ProbedNode[];
  const labels = JSON.parse((await canvas.getAttribute('data-probe-labels')) ?? '[]') as ProbedLabel[];
  const shown = (id: string, box: Box): Array<[string, Box]> => {
    const part = onScreen(box, canvasBox);
    return part === null ? [] : [[id, part]];
  };
  return {
    nodes: nodes.flatMap(([id, x, y, r]) => shown(id, [x - r, y - r, 2 * r, 2 * r])),
    labels: labels.flatMap(([id, ...box]) => shown(id, box)),
  };
}

async function expectLegendClear(page: Page, when: string): Promise<number> {
  const frame = await drawnFrame(page);
  const legend = await boxOf(page, '[data-testid=map-legend]');
  const under = (items: Array<[string, Box]>) =>
    items.filter(([, box]) => overlaps(box, legend)).map(([id]) => id);
  expect(under(frame.nodes), `${when}: nodes under the legend`).toEqual([]);
  expect(under(frame.labels), `${when}: labels under the legend`).toEqual([]);
  return frame.nodes.length;
}

/** Drags the map by (dx, dy) screen px from its middle. */
async function pan(page: Page, dx: number, dy: number): Promise<void> {
  const [x, y, w, h] = await boxOf(page, '[data-testid=topology] canvas');
  await page.mouse.move(x + w / 2, y + h / 2);
  await page.mouse.down();
  for (let step = 1; step <= 8; step++)
    await page.mouse.move(x + w / 2 + (dx * step) / 8, y + h / 2 + (dy * step) / 8);
  await page.mouse.up();
}

/** One signed-in page for every case (a province's sign-in and first load are the slow part here). */
let signedIn: Page | null = null;
async function sessionPage(): Promise<Page> {
  if (signedIn !== null) return signedIn;
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  // A budget for bounded steps on a province-sized page, not a condition: at load 15–20 on two CPUs
  // one click waited longer than the default 30 s for the page's main thread.
  page.setDefaultTimeout(120_000);
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(stack.url);
  await page.fill('input[name=username]', 'legend-duty');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form[data-testid=login] button[type=submit]');
  await page.waitForSelector('[data-testid=lang]', { timeout: 120_000 });
  signedIn = page;
  return page;
}

async function useLanguage(page: Page, english: boolean): Promise<void> {
  const wanted = english ? 'en' : 'zh-CN';
  if ((await page.evaluate(() => document.documentElement.lang)) !== wanted)
    await page.click('[data-testid=lang]');
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(wanted);
}

/** Opens the county's tree afresh (by way of the device table, so the map mounts anew). */
async function openCountyTree(page: Page): Promise<void> {
  await page.goto(`${stack.url}/#/devices`);
  await page.waitForSelector('[data-testid=topology]', { state: 'detached' });
  await page.goto(`${stack.url}/#/topology/${county}`);
  const map = page.locator(`[data-testid=topology][data-tree-root="${county}"][data-ready=true]`);
  await map.waitFor({ timeout: 120_000 });
}

describe("the county tree's legend", () => {
  afterAll(async () => {
    await signedIn?.context().close();
  });

  for (const [width, height, english] of [
    [1366, 768, false],
    [1366, 768, true],
    [1920, 1080, false],
    [1920, 1080, true],
  ] as const)
    it(`covers no node or label as opened, panned and zoomed, and nothing overlaps (${width}×${height}, ${english ? 'English' : 'zh-CN'})`, async () => {
      const page = await sessionPage();
      await page.setViewportSize({ width, height });
      await useLanguage(page, english);
      await openCountyTree(page);
      const drawn = await expectLegendClear(page, 'as opened');
      expect(drawn).toBeGreaterThan(10);
      await screenshot(page, `county-tree-${width}${english ? '-en' : ''}`);

      // The page's parts lie one below the other: header, toolbar, fault chips, the map, its legend.
      const parts = [
        'header',
        '[data-testid=topology] .toolbar',
        '[data-testid=topology] .stats',
        '[data-testid=topology] canvas',
        '[data-testid=map-legend]',
      ];
      const boxes = await Promise.all(parts.map((selector) => boxOf(page, selector)));
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          if (a !== undefined && b !== undefined)
            expect(overlaps(a, b), `${parts[i]} overlaps ${parts[j]}`).toBe(false);
        }

      // The tree dragged down towards the legend: its bottom rows go out of the map, not under it.
      await pan(page, 0, height / 3);
      await expectLegendClear(page, 'panned down');
      await page.locator('[data-testid=topology] [role=application]').focus();
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      await expectLegendClear(page, 'zoomed in');
      // Folded to its button, the legend still covers nothing.
      await page.click('[data-testid=legend-toggle]');
      await expectLegendClear(page, 'legend folded');
      await page.click('[data-testid=legend-toggle]');
    }, 300_000);
});
