/**
 * `npm run bench -- report`: the monthly report for the generated province (~5,100 nodes, `inventory
 * generate`). Last month of 5-minute reachability rollups (report-data.ts: what the rollups hold,
 * written directly — a month of raw polls would take far longer to load than to report; kept in a
 * cache folder between runs) in a real influxd and in the embedded store, with the daily
 * reachability rollup the product keeps beside them: in influxd built by the store's own backfill
 * (the one an upgraded install runs once after init, then one over the month, as after a bulk load;
 * timed apart and kept in the cache), in the embedded store by its triggers as the rollups are
 * written (or its schema-3 upgrade of an older cached file, timed apart). The report is then built
 * and rendered as CSV, XLSX and PDF from each. Beside it, in the same run, the report's own InfluxQL
 * (its daily-rollup read, then the bucket-by-bucket reads of the days with downtime) run bare
 * through the `influx` client: the floor the store's read cannot go below; and the report read the
 * way it was before the daily rollup (every day through the 5-minute summary). Target: the whole
 * report, PDF included, in ≤ 10 s. EGOV_BENCH_REPORT_NODES=N limits the nodes (default all);
 * EGOV_BENCH_REPORT_EMBEDDED=0 leaves the embedded store out.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InfluxDB } from 'influx';
import { memoryLogger } from '../common';
import { generateInventoryYaml } from '../inventory/generate';
import { loadInventoryText, type Topology } from '../inventory/index';
import { DEFAULT_RETENTION, InfluxMetricsStore, openMetricsStore, type MetricsStore } from '../metrics';
import { createInfluxClient } from '../metrics/influx/client';
import { backfillDailyRollup } from '../metrics/influx/daily-backfill';
import { dailyQueryText, rangeQueryText } from '../metrics/influx/influxql';
import { DAILY_COUNT_FIELD, DAILY_RP, DAILY_SUM_FIELD } from '../metrics/influx/schema';
import { EMBEDDED_STORE_MIGRATIONS } from '../metrics/embedded/schema';
import {
  buildMonthlyReport,
  parseMonth,
  renderCsv,
  renderPdf,
  renderXlsx,
  type MonthlyReport,
  type ReportPeriod,
} from '../reports';
import {
  cachedPart,
  downWindows,
  expectedOutages,
  loadEmbeddedRollups,
  loadInfluxRollups,
  reportCacheDir,
  type LoadProgress,
} from './report-data';
import { startInfluxd } from './support/influxd';

const DATABASE = 'egov_noc';
const ROLLUP_RP = 'rollup_400d';
const TARGET_MS = 10_000;

function lastMonth(nowMs: number): ReportPeriod {
  const local = new Date(nowMs + 8 * 3_600_000);
  const previous = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  const parsed = parseMonth(previous.toISOString().slice(0, 7));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.period;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const startedMs = performance.now();
  const value = await work();
  return { ms: performance.now() - startedMs, value };
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** CPU time (user + system) a process has used, ms, from /proc (Linux: 100 ticks a second). */
function processCpuMs(pid: number | null): number {
  if (pid === null) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface CpuSpent {
  /** This process (the report, the influx client, the renderers; not Chromium's own processes). */
  nodeMs: number;
  influxdMs: number;
}

/** CPU spent by this process and influxd while `work` runs: what the wall time would be unloaded. */
async function cpuOf<T>(
  influxdPid: () => number | null,
  work: () => Promise<T>,
): Promise<{ cpu: CpuSpent; value: T }> {
  const nodeBefore = process.cpuUsage();
  const influxBefore = processCpuMs(influxdPid());
  const value = await work();
  const node = process.cpuUsage(nodeBefore);
  return {
    cpu: { nodeMs: (node.user + node.system) / 1000, influxdMs: processCpuMs(influxdPid()) - influxBefore },
    value,
  };
}

const cpuText = (cpu: CpuSpent): string =>
  `CPU: node ${seconds(cpu.nodeMs)} s, influxd ${seconds(cpu.influxdMs)} s`;

/** A line every tenth of the load, with the rate so far. */
function progressPrinter(what: string): LoadProgress {
  const startedMs = performance.now();
  let nextTenth = 1;
  return (points, totalPoints) => {
    if (points < (totalPoints * nextTenth) / 10) return;
    nextTenth = Math.floor((points * 10) / totalPoints) + 1;
    const elapsedS = (performance.now() - startedMs) / 1000;
    console.log(
      `  ${what}: ${Math.round((points * 100) / totalPoints)} % (${points.toLocaleString('en')} points, ${Math.round(points / elapsedS).toLocaleString('en')}/s)`,
    );
  };
}

interface ReportTimes {
  buildMs: number;
  csvMs: number;
  xlsxMs: number;
  pdfMs: number;
  pdfBytes: number;
  report: MonthlyReport;
}

/** A store that notes the InfluxQL of every read it answers (the bare baseline sends the same). */
function recording(store: MetricsStore, queries: string[]): MetricsStore {
  const daily = store.queryDailyReachability?.bind(store);
  return {
    kind: store.kind,
    init: () => store.init(),
    write: (points) => store.write(points),
    flush: () => store.flush(),
    query: (q) => {
      queries.push(rangeQueryText(q, DATABASE, ROLLUP_RP, true));
      return store.query(q);
    },
    ...(daily === undefined
      ? {}
      : {
          queryDailyReachability: (q) => {
            queries.push(dailyQueryText(q, DATABASE, DAILY_RP, [DAILY_COUNT_FIELD, DAILY_SUM_FIELD]));
            return daily(q);
          },
        }),
    latest: (measurement, where) => store.latest(measurement, where),
    health: () => store.health(),
    close: () => store.close(),
  };
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
  return {
    buildMs: built.ms,
    csvMs: csv.ms,
    xlsxMs: xlsx.ms,
    pdfMs: pdf.ms,
    pdfBytes: pdf.value.length,
    report: built.value,
  };
}

/**
 * The report's own reads, their InfluxQL text, sent bare through the influx client as the report
 * sends them, one after another (the day-by-day summary, then the bucket-by-bucket reads).
 */
async function bareInfluxQl(port: number, queries: string[]): Promise<{ ms: number; points: number }> {
  const client = new InfluxDB({ host: '127.0.0.1', port, database: DATABASE });
  let points = 0;
  const send = async (query: string): Promise<void> => {
    const raw = (await client.queryRaw(query, { precision: 'ms' })) as {
      results: Array<{ series?: Array<{ values: unknown[][] }> }>;
    };
    for (const result of raw.results)
      for (const series of result.series ?? []) points += series.values.length;
  };
  const { ms } = await timed(async () => {
    for (const query of queries) await send(query);
  });
  return { ms, points };
}

function tableRow(name: string, times: ReportTimes, expected: number): string[] {
  const totalMs = times.buildMs + times.csvMs + times.xlsxMs + times.pdfMs;
  const found = times.report.outages.length;
  return [
    name,
    seconds(times.buildMs),
    seconds(times.csvMs),
    seconds(times.xlsxMs),
    seconds(times.pdfMs),
    seconds(totalMs),
    totalMs <= TARGET_MS ? 'yes' : 'no',
    `${found} outages${found === expected ? '' : ` (expected ${expected}!)`}, PDF ${Math.round(times.pdfBytes / 1024)} KB`,
  ];
}

async function loadInfluxCached(
  cacheDir: string,
  period: ReportPeriod,
  nodes: Topology['nodes'],
): Promise<{ influxd: Awaited<ReturnType<typeof startInfluxd>>; loadMs: number | null }> {
  const part = cachedPart(cacheDir, 'influxd');
  const influxd = await startInfluxd({ startTimeoutMs: 120_000, keptDir: part.path });
  if (part.complete) return { influxd, loadMs: null };
  const store = openMetricsStore(`influx://127.0.0.1:${influxd.port}/${DATABASE}`, {
    logger: memoryLogger(),
    spoolDir: join(part.path, 'spool'),
  });
  await store.init();
  await store.close();
  const down = downWindows(nodes, period);
  const { ms } = await timed(() =>
    loadInfluxRollups(
      influxd.url,
      { database: DATABASE, rp: ROLLUP_RP },
      nodes,
      period,
      down,
      progressPrinter('influxd'),
    ),
  );
  part.done();
  return { influxd, loadMs: ms };
}

/**
 * The daily rollup of the cached month, as the product builds it: the store's init starts its
 * one-off backfill of 5-minute rollups older than the daily rollup (a cache loaded before it
 * existed); a month loaded in this run (its marker already written on an empty database) is then
 * rolled up day by day like any bulk load. Kept in the cache (marker `influxd-daily.complete`).
 */
async function dailyRollupCached(
  cacheDir: string,
  influxd: Awaited<ReturnType<typeof startInfluxd>>,
  period: ReportPeriod,
  scratch: string,
): Promise<{ ms: number; cpu: CpuSpent } | null> {
  const part = cachedPart(cacheDir, 'influxd-daily');
  if (part.complete) return null;
  const log = memoryLogger();
  const store = new InfluxMetricsStore({
    host: '127.0.0.1',
    port: influxd.port,
    database: DATABASE,
    spoolDir: join(scratch, 'daily-spool'),
    logger: log,
  });
  const run = await cpuOf(
    () => influxd.pid(),
    () =>
      timed(async () => {
        await store.init();
        await store.dailyBackfillDone();
        const influx = createInfluxClient({
          host: '127.0.0.1',
          port: influxd.port,
          protocol: 'http',
          database: DATABASE,
          requestTimeoutMs: 300_000,
        });
        const target = { influx, database: DATABASE, retention: DEFAULT_RETENTION, log };
        return backfillDailyRollup(target, period.startMs, period.endMs);
      }),
  );
  await store.close();
  const failed = log.lines.filter((line) => line.level === 'error');
  if (run.value.value.failedDays > 0 || failed.length > 0)
    throw new Error(`bench report: the daily rollup backfill failed: ${failed.map((l) => l.msg).join('; ')}`);
  part.done();
  return { ms: run.value.ms, cpu: run.cpu };
}

async function loadEmbeddedCached(
  cacheDir: string,
  period: ReportPeriod,
  nodes: Topology['nodes'],
): Promise<{ path: string; loadMs: number | null }> {
  const part = cachedPart(cacheDir, 'embedded');
  const path = join(part.path, 'metrics.sqlite');
  if (part.complete) return { path, loadMs: null };
  mkdirSync(part.path, { recursive: true, mode: 0o700 });
  const down = downWindows(nodes, period);
  const { ms } = await timed(() =>
    loadEmbeddedRollups(path, nodes, period, down, progressPrinter('embedded')),
  );
  part.done();
  return { path, loadMs: ms };
}

/** Whether an embedded file predates the current schema (its upgrade then builds the daily rollup). */
function embeddedNeedsUpgrade(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { readonly: true });
  try {
    return (db.pragma('user_version', { simple: true }) as number) < EMBEDDED_STORE_MIGRATIONS.length;
  } finally {
    db.close();
  }
}

const loadText = (what: string, loadMs: number | null, cacheDir: string): string =>
  loadMs === null
    ? `${what}: cached load reused (${cacheDir})`
    : `${what}: loaded in ${seconds(loadMs)} s, kept in ${cacheDir}`;

const TABLE_HEAD = '| read + build (s) | CSV (s) | XLSX (s) | PDF (s) | total (s) | ≤ 10 s | |';

/** The report from InfluxDB (first the daily-rollup read, then every day through the 5-minute summary), and its InfluxQL bare. */
async function influxRows(
  influxd: Awaited<ReturnType<typeof startInfluxd>>,
  topology: Topology,
  period: ReportPeriod,
  expected: number,
  scratch: string,
): Promise<string[][]> {
  const influx = openMetricsStore(`influx://127.0.0.1:${influxd.port}/${DATABASE}`, {
    logger: memoryLogger(),
    spoolDir: join(scratch, 'spool'),
  });
  await influx.init();
  const queries: string[] = [];
  const pid = () => influxd.pid();
  const readBuild = await cpuOf(pid, () =>
    buildMonthlyReport({ topology, store: recording(influx, queries), period, silences: [] }),
  );
  const read = readBuild.value.reachabilityRead;
  console.log(
    `  read + build once first (${cpuText(readBuild.cpu)}; days from the daily rollup ${read.dailyRollupDays}, ` +
      `from the 5-minute summary ${read.fiveMinuteDays}, read bucket by bucket ${read.detailDays}), then timed with every format:`,
  );
  const influxRun = await cpuOf(pid, () => reportAllFormats(topology, influx, period));
  const fiveMinuteRun = await cpuOf(pid, () =>
    timed(() => buildMonthlyReport({ topology, store: influx, period, silences: [], useDailyRollup: false })),
  );
  await influx.close();
  const bareRun = await cpuOf(pid, () => bareInfluxQl(influxd.port, queries));
  const bare = bareRun.value;
  const rows: string[][] = [];
  rows.push([
    `baseline: the report’s ${queries.length} InfluxQL queries bare through the influx client`,
    seconds(bare.ms),
    '',
    '',
    '',
    seconds(bare.ms),
    '',
    `${bare.points.toLocaleString('en')} rows; ${cpuText(bareRun.cpu)}`,
  ]);
  rows.push(tableRow('report from InfluxDB (daily rollup first)', influxRun.value, expected));
  (rows.at(-1) as string[])[7] += `; ${cpuText(influxRun.cpu)} (Chromium's own not counted)`;
  const before = fiveMinuteRun.value;
  const sameFigures = JSON.stringify(before.value.nodes) === JSON.stringify(influxRun.value.report.nodes);
  rows.push([
    'read + build as before: every day through the 5-minute summary',
    seconds(before.ms),
    '',
    '',
    '',
    '',
    '',
    `${cpuText(fiveMinuteRun.cpu)}; node rows ${sameFigures ? 'identical' : 'DIFFERENT!'}`,
  ]);
  console.log(
    `  InfluxDB read + build vs the bare queries: ${(influxRun.value.buildMs / bare.ms).toFixed(2)}×; ` +
      `vs the 5-minute read: ${(influxRun.value.buildMs / before.ms).toFixed(2)}×`,
  );
  return rows;
}

async function embeddedRow(
  cacheDir: string,
  topology: Topology,
  period: ReportPeriod,
  nodes: Topology['nodes'],
  expected: number,
): Promise<string[]> {
  const embeddedLoad = await loadEmbeddedCached(cacheDir, period, nodes);
  console.log(`  ${loadText('embedded store', embeddedLoad.loadMs, cacheDir)}`);
  const upgrading = embeddedNeedsUpgrade(embeddedLoad.path);
  const embedded = openMetricsStore(`sqlite:${embeddedLoad.path}`, { logger: memoryLogger() });
  const opened = await cpuOf(
    () => null,
    () => timed(() => embedded.init()),
  );
  if (upgrading)
    console.log(
      `  embedded store: upgraded to schema ${EMBEDDED_STORE_MIGRATIONS.length} (daily rollup built from rollup_5m) in ${seconds(opened.value.ms)} s (CPU: node ${seconds(opened.cpu.nodeMs)} s)`,
    );
  const row = tableRow(
    'report from the embedded store',
    await reportAllFormats(topology, embedded, period),
    expected,
  );
  await embedded.close();
  return row;
}

export async function run(): Promise<void> {
  const yaml = generateInventoryYaml();
  const loaded = loadInventoryText('generated.yaml', yaml);
  if (!loaded.ok) throw new Error('bench report: the generated inventory does not load');
  const limit = Number(process.env.EGOV_BENCH_REPORT_NODES ?? 0);
  const withEmbedded = process.env.EGOV_BENCH_REPORT_EMBEDDED !== '0';
  const nodes = limit > 0 ? loaded.topology.nodes.slice(0, limit) : [...loaded.topology.nodes];
  // With a limit the rest of the province has no readings: in the report, neither up nor down.
  const { topology } = loaded;
  const period = lastMonth(Date.now());
  const expected = expectedOutages(topology, downWindows(nodes, period));
  const cacheDir = reportCacheDir(yaml, period, nodes.length);
  const scratch = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const buckets = Math.ceil((period.endMs - period.startMs) / 300_000);
  console.log(
    `${nodes.length} nodes, ${period.month}: ${(buckets * nodes.length).toLocaleString('en')} rollup points per store`,
  );
  const { influxd, loadMs } = await loadInfluxCached(cacheDir, period, nodes);
  try {
    console.log(`  ${loadText('influxd', loadMs, cacheDir)}`);
    const daily = await dailyRollupCached(cacheDir, influxd, period, scratch);
    console.log(
      daily === null
        ? `  influxd daily rollup: cached (${cacheDir})`
        : `  influxd daily rollup: built by the store's backfill in ${seconds(daily.ms)} s (${cpuText(daily.cpu)})`,
    );
    const rows = await influxRows(influxd, topology, period, expected, scratch);
    for (const cells of rows) console.log(`  ${cells.join(' | ')}`);
    if (withEmbedded) rows.push(await embeddedRow(cacheDir, topology, period, nodes, expected));
    console.log(`\n| ${nodes.length} nodes ${TABLE_HEAD}`);
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
  } finally {
    await influxd.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}
