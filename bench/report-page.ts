/**
 * `npm run bench -- report-page`: what the console's Reports page costs. Last month of 5-minute
 * reachability for the whole Nanyang network (83 nodes, a few county outages) in the embedded store;
 * the same run measures `buildMonthlyReport` called bare (the baseline) beside GET /api/reports/:month
 * built (first request: build + the page's view + JSON over HTTP) and kept (a later request), a
 * county's drill-down, and the exports: CSV and XLSX beside their renderers bare, PDF beside
 * `renderPdf` bare (each launches Chromium).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startAlertEngine } from '../alerts';
import { InProcessBus } from '../bus';
import { memoryLogger, silentLogger } from '../common';
import { ensureFirstAdmin, startConsoleServer } from '../console/server';
import type { MetricPoint } from '../domain';
import { loadInventory, type Topology } from '../inventory';
import { openMetricsStore } from '../metrics';
import {
  buildMonthlyReport,
  parseMonth,
  renderCsv,
  renderPdf,
  renderXlsx,
  type ReportPeriod,
} from '../reports';

const INVENTORY = 'configs/examples/nanyang.yaml';
const DAY_MS = 86_400_000;
const BUCKET_MS = 300_000;
const RUNS = 5;
/** County gateways down for an hour on some days (their subtrees cut off behind them). */
const OUTAGES: Array<[string, number, number]> = [
  ['xichuan-gw', 2, 10],
  ['nanzhao-gw', 9, 2],
  ['xixia-gw', 17, 21],
];

function lastMonth(nowMs: number): ReportPeriod {
  const local = new Date(nowMs + 8 * 3_600_000);
  const previous = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  const parsed = parseMonth(previous.toISOString().slice(0, 7));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.period;
}

function isDown(topology: Topology, node: string, atMs: number, period: ReportPeriod): boolean {
  return OUTAGES.some(([gateway, day, hour]) => {
    const fromMs = period.startMs + day * DAY_MS + hour * 3_600_000;
    if (atMs < fromMs || atMs >= fromMs + 3_600_000) return false;
    return node === gateway || topology.isInSubtree(node as never, gateway as never);
  });
}

/** The month a day at a time, with the store's clock at that day (raw points are rolled up as written). */
async function fillMonth(path: string, topology: Topology, period: ReportPeriod): Promise<number> {
  let clockMs = period.startMs;
  const store = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger(), now: () => clockMs });
  await store.init();
  let written = 0;
  for (let dayMs = period.startMs; dayMs < period.endMs; dayMs += DAY_MS) {
    clockMs = dayMs + DAY_MS;
    const points: MetricPoint[] = [];
    for (let atMs = dayMs; atMs < dayMs + DAY_MS; atMs += BUCKET_MS)
      for (const node of topology.nodes)
        points.push({
          measurement: 'node',
          tags: { node: node.id },
          fields: { reachable: isDown(topology, node.id, atMs, period) ? 0 : 1 },
          timeMs: atMs,
        });
    store.write(points);
    await store.flush();
    written += points.length;
  }
  await store.close();
  return written;
}

/**
 * GET on a connection of its own: a bare build between two requests outlasts the server's 5 s
 * keep-alive, and a reused socket closed under the client would fail the run (not the product).
 */
function fetchBytes(url: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { cookie }, agent: false }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('error', reject);
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(bytes)
          : reject(new Error(`bench report-page: ${url} answered ${response.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const startedMs = performance.now();
  const value = await run();
  return { ms: performance.now() - startedMs, value };
}

async function medianMs(run: () => Promise<unknown>, runs = RUNS): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) times.push((await timed(run)).ms);
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] as number;
}

export async function run(): Promise<void> {
  const loaded = loadInventory(INVENTORY);
  if (!loaded.ok) throw new Error(`bench report-page: cannot load ${INVENTORY}`);
  const { topology } = loaded;
  const period = lastMonth(Date.now());
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-page-'));
  const bus = new InProcessBus();
  const alerts = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    log: silentLogger(),
  });
  try {
    const points = await fillMonth(join(dir, 'metrics.sqlite'), topology, period);
    const metrics = openMetricsStore(`sqlite:${join(dir, 'metrics.sqlite')}`, { logger: memoryLogger() });
    await metrics.init();
    const admin = await ensureFirstAdmin(dir);
    if (admin === null) throw new Error('bench report-page: fresh state dir already has users');
    const server = await startConsoleServer({
      topology,
      bus,
      alerts,
      metrics,
      stateDir: dir,
      webDist: null,
      log: pino({ level: 'silent' }),
    });
    try {
      const login = await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: admin.username, password: admin.password }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const get = (path: string): Promise<number> => fetchBytes(`${server.url}${path}`, cookie);
      const input = { topology, store: metrics, period, silences: [] };
      const month = `/api/reports/${period.month}`;

      const bare = await medianMs(() => buildMonthlyReport(input));
      const built = await timed(() => get(month));
      const kept = await medianMs(() => get(month));
      const countyBuilt = await timed(() => get(`${month}?county=xichuan-gw`));
      const report = await buildMonthlyReport(input);
      const csvBare = await medianMs(() => Promise.resolve(renderCsv(report)));
      const csvRoute = await medianMs(() => get(`${month}/export?format=csv`));
      const xlsxBare = await medianMs(() => renderXlsx(report));
      const xlsxRoute = await medianMs(() => get(`${month}/export?format=xlsx`));
      const pdfBare = await medianMs(() => renderPdf(report), 3);
      const pdfRoute = await medianMs(() => get(`${month}/export?format=pdf`), 3);

      const ratio = (ms: number, baseMs: number): string => `${(ms / baseMs).toFixed(2)}×`;
      console.log(
        `\n${topology.size} nodes, ${period.month}: ${points.toLocaleString('en')} points written (5-minute rollups read)`,
      );
      console.log('| step | ms | baseline (same run) | baseline ms | ratio |');
      console.log('| --- | --- | --- | --- | --- |');
      const row = (step: string, ms: number, base: string, baseMs: number): void =>
        console.log(`| ${step} | ${ms.toFixed(0)} | ${base} | ${baseMs.toFixed(0)} | ${ratio(ms, baseMs)} |`);
      row('GET /api/reports/:month, built (first request)', built.ms, 'buildMonthlyReport bare', bare);
      row('GET /api/reports/:month, kept (median of 5)', kept, 'buildMonthlyReport bare', bare);
      row('GET …?county=xichuan-gw, built', countyBuilt.ms, 'buildMonthlyReport bare (whole network)', bare);
      row('export CSV (report kept)', csvRoute, 'renderCsv bare', csvBare);
      row('export XLSX (report kept)', xlsxRoute, 'renderXlsx bare', xlsxBare);
      row('export PDF (report kept, median of 3)', pdfRoute, 'renderPdf bare (median of 3)', pdfBare);
      console.log(`JSON for the page: ${(built.value / 1024).toFixed(0)} KB`);
    } finally {
      await server.stop();
      await metrics.close();
    }
  } finally {
    await alerts.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
