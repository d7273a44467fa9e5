/**
 * `npm run bench -- report`: the monthly report for the generated province (~5,100 nodes, `inventory
 * generate`). Last month of 5-minute reachability rollups (report-data.ts: what the rollups hold,
 * written directly — a month of raw polls would take far longer to load than to report; kept in a
 * cache folder between runs) in a real influxd and in the embedded store; the report is then built
 * and rendered as CSV, XLSX and PDF from each. Beside it, in the same run, the report's own InfluxQL
 * (its day-by-day summary read, then the bucket-by-bucket reads of the days with downtime) run
 * bare through the `influx` client: the floor the store's read cannot go below. Target: the whole
 * report, PDF included, in ≤ 10 s. EGOV_BENCH_REPORT_NODES=N limits the nodes (default all);
 * EGOV_BENCH_REPORT_EMBEDDED=0 leaves the embedded store out.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from 'influx';
import { memoryLogger } from '../common';
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

/** A store that notes every range query it answers (the bare baseline sends the same ones). */
function recording(store: MetricsStore, queries: RangeQuery[]): MetricsStore {
  return {
    kind: store.kind,
    init: () => store.init(),
    write: (points) => store.write(points),
    flush: () => store.flush(),
    query: (q) => {
      queries.push(q);
      return store.query(q);
    },
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
async function bareInfluxQl(port: number, queries: RangeQuery[]): Promise<{ ms: number; points: number }> {
  const client = new InfluxDB({ host: '127.0.0.1', port, database: DATABASE });
  let points = 0;
  const send = async (query: RangeQuery): Promise<void> => {
    const raw = (await client.queryRaw(rangeQueryText(query, DATABASE, ROLLUP_RP, true), {
      precision: 'ms',
    })) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
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
  topology: Topology,
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

const loadText = (what: string, loadMs: number | null, cacheDir: string): string =>
  loadMs === null
    ? `${what}: cached load reused (${cacheDir})`
    : `${what}: loaded in ${seconds(loadMs)} s, kept in ${cacheDir}`;

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
  const { influxd, loadMs } = await loadInfluxCached(cacheDir, topology, period, nodes);
  const rows: string[][] = [];
  try {
    console.log(`  ${loadText('influxd', loadMs, cacheDir)}`);
    const influx = openMetricsStore(`influx://127.0.0.1:${influxd.port}/${DATABASE}`, {
      logger: memoryLogger(),
      spoolDir: join(scratch, 'spool'),
    });
    await influx.init();
    const queries: RangeQuery[] = [];
    const pid = () => influxd.pid();
    const readBuild = await cpuOf(pid, () =>
      buildMonthlyReport({ topology, store: recording(influx, queries), period, silences: [] }),
    );
    console.log(`  read + build once first (${cpuText(readBuild.cpu)}), then timed with every format:`);
    const influxRun = await cpuOf(pid, () => reportAllFormats(topology, influx, period));
    const fromInflux = influxRun.value;
    await influx.close();
    const bareRun = await cpuOf(pid, () => bareInfluxQl(influxd.port, queries));
    const bare = bareRun.value;
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
    rows.push(tableRow('report from InfluxDB rollups', fromInflux, expected));
    (rows.at(-1) as string[])[7] += `; ${cpuText(influxRun.cpu)} (Chromium's own not counted)`;
    for (const cells of rows) console.log(`  ${cells.join(' | ')}`);
    if (withEmbedded) {
      const embeddedLoad = await loadEmbeddedCached(cacheDir, period, nodes);
      console.log(`  ${loadText('embedded store', embeddedLoad.loadMs, cacheDir)}`);
      const embedded = openMetricsStore(`sqlite:${embeddedLoad.path}`, { logger: memoryLogger() });
      await embedded.init();
      rows.push(
        tableRow(
          'report from the embedded store',
          await reportAllFormats(topology, embedded, period),
          expected,
        ),
      );
      await embedded.close();
    }
    console.log(
      `\n| ${nodes.length} nodes | read + build (s) | CSV (s) | XLSX (s) | PDF (s) | total (s) | ≤ 10 s | |`,
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
    console.log(`\nInfluxDB read + build vs the bare queries: ${(fromInflux.buildMs / bare.ms).toFixed(2)}×`);
  } finally {
    await influxd.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}
