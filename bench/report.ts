/**
 * `npm run bench -- report`: the monthly report for the generated province (~5,100 nodes, `inventory
 * generate`). Last month of 5-minute reachability rollups (written directly as rollups: a month of
 * raw polls would take far longer to load than to report) goes into a real influxd (its rollup
 * retention policy) and into the embedded store (its rollup table); the report is then built and
 * rendered as CSV, XLSX and PDF from each. Beside it, in the same run, the report's own InfluxQL
 * (one query per 200 nodes, as the report reads) run bare through the `influx` client: the floor
 * the store's read cannot go below. Target: the whole report, PDF included, in ≤ 10 s.
 * EGOV_BENCH_REPORT_NODES=N limits the nodes (default all).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InfluxDB } from 'influx';
import { memoryLogger } from '../common';
import type { InventoryNode } from '../domain';
import { generateInventoryYaml } from '../inventory/generate';
import { loadInventoryText, type Topology } from '../inventory/index';
import { openMetricsStore, type MetricsStore, type RangeQuery } from '../metrics';
import { rangeQueryText } from '../metrics/influx/influxql';
import {
  buildMonthlyReport,
  parseMonth,
  renderCsv,
  renderPdf,
  renderXlsx,
  type MonthlyReport,
  type ReportPeriod,
} from '../reports';
import { startInfluxd } from './support/influxd';

const BUCKET_MS = 300_000;
const DAY_MS = 86_400_000;
const NODES_PER_QUERY = 200;
const LINES_PER_POST = 50_000;
const DATABASE = 'egov_noc';

function lastMonth(nowMs: number): ReportPeriod {
  const local = new Date(nowMs + 8 * 3_600_000);
  const previous = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  const parsed = parseMonth(previous.toISOString().slice(0, 7));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.period;
}

/** Every 40th node is down for an hour on one day of the month (its subtree cut off with it). */
function downBuckets(nodes: readonly InventoryNode[], period: ReportPeriod): Map<string, [number, number]> {
  const down = new Map<string, [number, number]>();
  nodes.forEach((node, index) => {
    if (index % 40 !== 7) return;
    const fromMs = period.startMs + (index % 28) * DAY_MS + 10 * 3_600_000;
    down.set(node.id, [fromMs, fromMs + 3_600_000]);
  });
  return down;
}

function reachableAt(down: Map<string, [number, number]>, id: string, atMs: number): number {
  const window = down.get(id);
  return window !== undefined && atMs >= window[0] && atMs < window[1] ? 0 : 1;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const startedMs = performance.now();
  const value = await work();
  return { ms: performance.now() - startedMs, value };
}

/** The month's rollups into influxd's rollup RP, line protocol, a node at a time, bounded POSTs. */
async function loadInflux(
  url: string,
  rp: string,
  nodes: readonly InventoryNode[],
  period: ReportPeriod,
  down: Map<string, [number, number]>,
): Promise<number> {
  let lines: string[] = [];
  let points = 0;
  const post = async () => {
    const params = new URLSearchParams({ db: DATABASE, rp, precision: 'ms' });
    const response = await fetch(`${url}/write?${params}`, { method: 'POST', body: lines.join('\n') });
    if (response.status !== 204)
      throw new Error(`influxd /write answered ${response.status}: ${await response.text()}`);
    lines = [];
  };
  for (const node of nodes) {
    const tags = `node,node=${node.id},tier=${node.tier},zone=${node.zone}`;
    for (let atMs = period.startMs; atMs < period.endMs; atMs += BUCKET_MS) {
      const value = reachableAt(down, node.id, atMs);
      lines.push(`${tags} mean_reachable=${value},max_reachable=${value},min_reachable=${value} ${atMs}`);
      points += 1;
    }
    if (lines.length >= LINES_PER_POST) await post();
  }
  if (lines.length > 0) await post();
  return points;
}

/** The month's rollups straight into the embedded store's rollup table (series made by the store itself). */
async function loadEmbedded(
  path: string,
  nodes: readonly InventoryNode[],
  period: ReportPeriod,
  down: Map<string, [number, number]>,
): Promise<number> {
  const store = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger(), now: () => period.startMs });
  await store.init();
  store.write(
    nodes.map((node) => ({
      measurement: 'node',
      tags: { node: node.id, tier: node.tier, zone: node.zone },
      fields: { reachable: 1 },
      timeMs: period.startMs,
    })),
  );
  await store.flush();
  await store.close();
  const db = new Database(path);
  // A throwaway bench file: bulk-load settings, the store reads it afterwards with its own.
  db.pragma('synchronous = OFF');
  try {
    const fid = (db.prepare("SELECT id FROM fields WHERE name = 'reachable'").get() as { id: number }).id;
    const sids = new Map(
      (
        db.prepare("SELECT id, tags FROM series WHERE measurement = 'node'").all() as Array<{
          id: number;
          tags: string;
        }>
      ).map((row) => [(JSON.parse(row.tags) as { node: string }).node, row.id]),
    );
    db.prepare('DELETE FROM rollup_5m').run();
    const insert = db.prepare(
      'INSERT INTO rollup_5m (sid, fid, b, mean, max, min, count) VALUES (?, ?, ?, ?, ?, ?, 5)',
    );
    let points = 0;
    const insertNodes = db.transaction((slice: readonly InventoryNode[]) => {
      for (const node of slice) {
        const sid = sids.get(node.id) as number;
        for (let atMs = period.startMs; atMs < period.endMs; atMs += BUCKET_MS) {
          const value = reachableAt(down, node.id, atMs);
          insert.run(sid, fid, atMs, value, value, value);
          points += 1;
        }
      }
    });
    for (let from = 0; from < nodes.length; from += 100) insertNodes(nodes.slice(from, from + 100));
    return points;
  } finally {
    db.close();
  }
}

interface ReportTimes {
  buildMs: number;
  csvMs: number;
  xlsxMs: number;
  pdfMs: number;
  report: MonthlyReport;
}

async function reportAllFormats(
  topology: Topology,
  store: MetricsStore,
  period: ReportPeriod,
): Promise<ReportTimes> {
  const built = await timed(() => buildMonthlyReport({ topology, store, period, silences: [] }));
  const csv = await timed(() => Promise.resolve(renderCsv(built.value)));
  const xlsx = await timed(() => renderXlsx(built.value));
  const pdf = await timed(() => renderPdf(built.value));
  return { buildMs: built.ms, csvMs: csv.ms, xlsxMs: xlsx.ms, pdfMs: pdf.ms, report: built.value };
}

/** The report's own read, its InfluxQL text, sent bare through the influx client. */
async function bareInfluxQl(
  port: number,
  rp: string,
  nodeIds: string[],
  period: ReportPeriod,
): Promise<{ ms: number; points: number }> {
  const client = new InfluxDB({ host: '127.0.0.1', port, database: DATABASE });
  let points = 0;
  const { ms } = await timed(async () => {
    for (let from = 0; from < nodeIds.length; from += NODES_PER_QUERY) {
      const query: RangeQuery = {
        measurement: 'node',
        field: 'reachable',
        nodes: nodeIds.slice(from, from + NODES_PER_QUERY),
        startMs: period.startMs,
        endMs: period.endMs,
        stepS: 300,
        aggregation: 'mean',
        groupBy: ['node'],
      };
      const raw = (await client.queryRaw(rangeQueryText(query, DATABASE, rp, true), { precision: 'ms' })) as {
        results: Array<{ series?: Array<{ values: unknown[][] }> }>;
      };
      for (const result of raw.results)
        for (const series of result.series ?? []) points += series.values.length;
    }
  });
  return { ms, points };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

export async function run(): Promise<void> {
  const loaded = loadInventoryText('generated.yaml', generateInventoryYaml());
  if (!loaded.ok) throw new Error('bench report: the generated inventory does not load');
  const { topology } = loaded;
  const limit = Number(process.env.EGOV_BENCH_REPORT_NODES ?? 0);
  const nodes = limit > 0 ? topology.nodes.slice(0, limit) : [...topology.nodes];
  const period = lastMonth(Date.now());
  const down = downBuckets(nodes, period);
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const influxd = await startInfluxd({ startTimeoutMs: 60_000 });
  const rows: string[][] = [];
  try {
    const influx = openMetricsStore(`influx://127.0.0.1:${influxd.port}/${DATABASE}`, {
      logger: memoryLogger(),
      spoolDir: join(dir, 'spool'),
    });
    await influx.init();
    const rp = 'rollup_400d';
    const progress = (what: string, ms: number) => console.log(`  ${what}: ${seconds(ms)} s`);
    const influxLoad = await timed(() => loadInflux(influxd.url, rp, nodes, period, down));
    progress('loaded influxd', influxLoad.ms);
    const embeddedLoad = await timed(() => loadEmbedded(join(dir, 'metrics.sqlite'), nodes, period, down));
    console.log(
      `${nodes.length} nodes, ${period.month}: ${influxLoad.value.toLocaleString('en')} rollup points loaded into influxd in ${seconds(influxLoad.ms)} s, into the embedded store in ${seconds(embeddedLoad.ms)} s`,
    );

    const bare = await bareInfluxQl(
      influxd.port,
      rp,
      nodes.map((node) => node.id),
      period,
    );
    progress('bare InfluxQL', bare.ms);
    const fromInflux = await reportAllFormats(topology, influx, period);
    progress(
      'report from InfluxDB, all formats',
      fromInflux.buildMs + fromInflux.csvMs + fromInflux.xlsxMs + fromInflux.pdfMs,
    );
    await influx.close();
    const embedded = openMetricsStore(`sqlite:${join(dir, 'metrics.sqlite')}`, { logger: memoryLogger() });
    await embedded.init();
    const fromEmbedded = await reportAllFormats(topology, embedded, period);
    await embedded.close();

    const row = (name: string, times: ReportTimes): string[] => {
      const totalMs = times.buildMs + times.csvMs + times.xlsxMs + times.pdfMs;
      return [
        name,
        seconds(times.buildMs),
        seconds(times.csvMs),
        seconds(times.xlsxMs),
        seconds(times.pdfMs),
        seconds(totalMs),
        totalMs <= 10_000 ? 'yes' : 'no',
        `${times.report.outages.length} outages`,
      ];
    };
    rows.push([
      'baseline: the report’s InfluxQL bare through the influx client',
      seconds(bare.ms),
      '',
      '',
      '',
      seconds(bare.ms),
      '',
      `${bare.points.toLocaleString('en')} points`,
    ]);
    rows.push(row('report from InfluxDB rollups', fromInflux));
    rows.push(row('report from the embedded store', fromEmbedded));
    console.log('\n| | read + build (s) | CSV (s) | XLSX (s) | PDF (s) | total (s) | ≤ 10 s | |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
    console.log(
      `\nread + build vs the bare queries: InfluxDB ${(fromInflux.buildMs / bare.ms).toFixed(2)}×; embedded ${(fromEmbedded.buildMs / bare.ms).toFixed(2)}× (of the InfluxDB bare time)`,
    );
  } finally {
    await influxd.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
