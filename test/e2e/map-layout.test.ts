/**
 * The map on the generated province (about 5,100 nodes, `egov-noc inventory generate`) in Chromium,
 * served by the real console server with live state on the bus: after "fit" no node is drawn under
 * the legend (a county's tree and the whole network, at 1920×1080 and 1366×768), and "collapse to
 * counties" shows every county grouped under its city, each county with a fault labelled, no two
 * labels overlapping.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertEngine, type AlertEngine } from '../../alerts';
import { InProcessBus } from '../../bus';
import { memoryLogger, silentLogger } from '../../common';
import { startConsoleServer, type ConsoleServer } from '../../console/server';
import { asNodeId } from '../../domain';
import { loadInventoryText, type Topology } from '../../inventory';
import { generateInventoryYaml } from '../../inventory/generate';
import { openMetricsStore } from '../../metrics';
import { ensureWebBuilt, launchChromium, screenshot } from './support/browser';

const PASSWORD = 'e2e-map-layout-passphrase-42';
let dir: string;
let topology: Topology;
let engine: AlertEngine;
let server: ConsoleServer;
let browser: Browser;
/** Nodes that stop answering: a whole county behind its gateway, and single townships elsewhere. */
const faulty: string[] = [];

beforeAll(async () => {
  ensureWebBuilt();
  dir = mkdtempSync(join(tmpdir(), 'map-layout-e2e-'));
  const loaded = loadInventoryText(join(dir, 'province.yaml'), generateInventoryYaml());
  if (!loaded.ok) throw new Error('the generated inventory does not load');
  topology = loaded.topology;
  const bus = new InProcessBus();
  engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    correlationWindowMs: 200,
    log: silentLogger(),
  });
  const metrics = openMetricsStore('memory', { logger: memoryLogger() });
  await metrics.init();
  server = await startConsoleServer({
    topology,
    bus,
    alerts: engine,
    metrics,
    stateDir: dir,
    log: pino({ level: 'silent' }),
  });
  const created = await server.users.create(
    { username: 'map-duty', displayName: 'map-duty', role: 'operator', scope: null, password: PASSWORD },
    { actor: 'e2e', from: 'local' },
  );
  if (!created.ok) throw new Error(created.message);
  const townships = topology.nodes.filter((n) => n.tier === 'township');
  const cutCounty = topology.nodes.find((n) => n.id === 'c07-k03-gw');
  if (cutCounty === undefined) throw new Error('the generated province has no c07-k03-gw');
  faulty.push(cutCounty.id, ...topology.descendants(asNodeId(cutCounty.id)));
  // Townships spread over cities, each in another county.
  for (const index of [5, 400, 1100, 1900, 2600, 3100]) {
    const township = townships[index];
    if (township !== undefined) faulty.push(township.id);
  }
  const now = Date.now();
  for (const node of topology.nodes)
    bus.publish({ type: 'node.state', node: node.id, timeMs: now, state: 'reachable', reason: 'poll ok' });
  for (const id of faulty)
    bus.publish({
      type: 'node.state',
      node: asNodeId(id),
      timeMs: now + 1,
      state: 'unreachable',
      reason: 'timeout',
    });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await engine?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Box = [x: number, y: number, w: number, h: number];
type ProbedNode = [id: string, x: number, y: number, r: number];
type ProbedLabel = [id: string, ...box: Box];

const overlaps = (a: Box, b: Box): boolean =>
  a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

async function openSession(width: number, height: number, english = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(server.url);
  await page.fill('input[name=username]', 'map-duty');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form[data-testid=login] button[type=submit]');
  await page.waitForSelector('[data-testid=overview]', { timeout: 30_000 });
  if (english) await page.click('[data-testid=lang]');
  return page;
}

/** Opens the map at `hash`, fits it, and reads what the next frame draws (canvas CSS px). */
async function fittedFrame(
  page: Page,
  hash: string,
): Promise<{ nodes: ProbedNode[]; labels: ProbedLabel[]; canvas: Box }> {
  await page.goto(`${server.url}/${hash}`);
  const map = page.locator('[data-testid=topology][data-ready=true]');
  await map.waitFor({ timeout: 30_000 });
  const canvas = map.locator('canvas');
  await canvas.evaluate((element) => {
    element.dataset.probe = '';
    delete element.dataset.probeNodes;
  });
  await map.locator('[data-testid=map-fit]').click();
  await expect.poll(() => canvas.getAttribute('data-probe-nodes')).not.toBeNull();
  const box = await canvas.boundingBox();
  if (box === null) throw new Error('the map has no canvas on screen');
  return {
    nodes: JSON.parse((await canvas.getAttribute('data-probe-nodes')) ?? '[]') as ProbedNode[],
    labels: JSON.parse((await canvas.getAttribute('data-probe-labels')) ?? '[]') as ProbedLabel[],
    canvas: [box.x, box.y, box.width, box.height],
  };
}

/** The legend's box in canvas CSS px. */
async function legendBox(page: Page, canvas: Box): Promise<Box> {
  const legend = await page.locator('[data-testid=map-legend]').boundingBox();
  if (legend === null) throw new Error('the map shows no legend');
  return [legend.x - canvas[0], legend.y - canvas[1], legend.width, legend.height];
}

const nodeBox = ([, x, y, r]: ProbedNode): Box => [x - r, y - r, 2 * r, 2 * r];

describe('the map on the generated province', () => {
  for (const [width, height, english] of [
    [1920, 1080, false],
    [1366, 768, false],
    [1366, 768, true],
  ] as const)
    it(`after fit, no node is drawn under the legend (${width}×${height}${english ? ', English' : ''})`, async () => {
      const page = await openSession(width, height, english);
      for (const hash of ['#/topology/c01-k01-gw', '#/topology/c07-k03-gw', '#/topology']) {
        const frame = await fittedFrame(page, hash);
        expect(frame.nodes.length).toBeGreaterThan(10);
        const legend = await legendBox(page, frame.canvas);
        const covered = frame.nodes.filter((node) => overlaps(nodeBox(node), legend)).map(([id]) => id);
        expect(covered, `${hash}: nodes under the legend`).toEqual([]);
      }
      await screenshot(page, `map-legend-${width}${english ? '-en' : ''}`);
      // Folded, the legend (a strip below the map) gives back what it took beyond one line: the map
      // grows by that much and the county's tree fits lower, still clear of it.
      const open = await fittedFrame(page, '#/topology/c01-k01-gw');
      const lowest = (nodes: ProbedNode[]) => Math.max(...nodes.map(([, , y]) => y));
      const drawnNodes = async () =>
        JSON.parse((await page.locator('canvas').getAttribute('data-probe-nodes')) ?? '[]') as ProbedNode[];
      const openLegend = await legendBox(page, open.canvas);
      await page.click('[data-testid=legend-toggle]');
      await page.click('[data-testid=map-fit]');
      const foldedLegend = await legendBox(page, open.canvas);
      expect(foldedLegend[3]).toBeLessThanOrEqual(openLegend[3]);
      const canvasHeight = async () => (await page.locator('canvas').boundingBox())?.height ?? 0;
      await expect
        .poll(canvasHeight)
        .toBeGreaterThanOrEqual(open.canvas[3] + openLegend[3] - foldedLegend[3] - 1);
      if (foldedLegend[3] < openLegend[3] - 4)
        await expect.poll(async () => lowest(await drawnNodes())).toBeGreaterThan(lowest(open.nodes));
      const folded = await legendBox(page, open.canvas);
      expect((await drawnNodes()).filter((node) => overlaps(nodeBox(node), folded))).toEqual([]);
      await page.click('[data-testid=legend-toggle]');
      await page.context().close();
    }, 120_000);

  for (const [width, height] of [
    [1920, 1080],
    [1366, 768],
  ] as const)
    it(`collapse to counties: counties grouped by city, every faulty county labelled, no labels overlap (${width}×${height})`, async () => {
      const page = await openSession(width, height);
      await page.goto(`${server.url}/#/topology`);
      const map = page.locator('[data-testid=topology][data-ready=true]');
      await map.waitFor({ timeout: 30_000 });
      await map.locator('[data-testid=collapse-counties]').click();
      await expect.poll(() => map.getAttribute('data-shape')).toBe('grid');
      const frame = await fittedFrame(page, '#/topology');
      const counties = topology.nodes.filter(
        (n) =>
          (n.tier === 'county' || n.tier === 'district') &&
          topology.descendants(asNodeId(n.id)).length > 0 &&
          topology.nodes.find((p) => p.id === n.parent)?.tier === 'city',
      );
      // Every collapsed county is drawn, and each one with a fault (its own or inside it) is labelled.
      const drawn = new Set(frame.nodes.map(([id]) => id));
      expect(counties.filter((c) => !drawn.has(c.id))).toEqual([]);
      const labelled = new Set(frame.labels.map(([id]) => id));
      const faultyCounties = counties.filter((c) =>
        faulty.some((id) => id === c.id || topology.descendants(asNodeId(c.id)).includes(asNodeId(id))),
      );
      expect(faultyCounties.length).toBeGreaterThanOrEqual(5);
      expect(faultyCounties.filter((c) => !labelled.has(c.id)).map((c) => c.id)).toEqual([]);
      // At full HD every county is labelled; at any size no label covers another or a node.
      if (width >= 1920) expect(counties.filter((c) => !labelled.has(c.id)).map((c) => c.id)).toEqual([]);
      const boxes = frame.labels.map(([id, ...box]) => ({ id, box }));
      const clashes: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          if (a !== undefined && b !== undefined && overlaps(a.box, b.box)) clashes.push(`${a.id} × ${b.id}`);
        }
      expect(clashes).toEqual([]);
      for (const { id, box } of boxes)
        for (const node of frame.nodes)
          if (node[0] !== id)
            expect(overlaps(box, nodeBox(node)), `${id}'s label covers ${node[0]}`).toBe(false);
      await screenshot(page, `map-county-grid-${width}`);
      await page.context().close();
    }, 120_000);
});
