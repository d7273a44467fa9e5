/**
 * The monthly report on the console: GET /api/reports/:month and /export over a real embedded
 * metrics store holding last month's reachability of part of Nanyang (one county uplink outage,
 * one outage inside a maintenance window, a node cut off behind the first). Checks the figures the
 * page shows, the county operator's scope, bad months, a month without data, the cache, and the
 * exports read back (CSV parsed, XLSX through exceljs, PDF through Debian's pdftotext).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryLogger } from '../../common';
import type { ReportLabel, ReportResponse } from '../../console/shared';
import type { MetricPoint } from '../../domain';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import { addUser, eventually, login, startStack, type Client, type Stack } from '../console/server/support';
import { securityEvent } from '../alerts/security-support';
import { previousMonth } from '../reports/month-fixture';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
const BUCKET_MS = 300_000;
const month = previousMonth(Date.now());
const twoMonthsAgo = previousMonth(month.startMs);
/** Day 3, 10:00–11:00 local: Xichuan's uplink is down (its switch cut off behind it). */
const XICHUAN_DOWN = [
  month.startMs + 2 * DAY_MS + 10 * 3_600_000,
  month.startMs + 2 * DAY_MS + 11 * 3_600_000,
];
/** Day 10, 02:00–02:30 local: Nanzhao's router restarts inside a maintenance window. */
const NANZHAO_PLANNED = [
  month.startMs + 9 * DAY_MS + 2 * 3_600_000,
  month.startMs + 9 * DAY_MS + 2.5 * 3_600_000,
];
const NODES = ['ny-core', 'xichuan-gw', 'xichuan-sw', 'nanzhao-gw', 'nanzhao-sw'];

let stack: Stack;
let store: MetricsStore;
let admin: Client;
let xichuanOp: Client;

function reachable(node: string, atMs: number): boolean {
  const inside = ([from, to]: number[]) => atMs >= (from as number) && atMs < (to as number);
  if (node.startsWith('xichuan') && inside(XICHUAN_DOWN)) return false;
  if (node.startsWith('nanzhao') && inside(NANZHAO_PLANNED)) return false;
  return true;
}

/** A month a day at a time, as the collector wrote it, with the store's clock at that day. */
async function fillMonth(path: string): Promise<void> {
  let clockMs = month.startMs;
  const writer = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger(), now: () => clockMs });
  await writer.init();
  for (let dayMs = month.startMs; dayMs < month.endMs; dayMs += DAY_MS) {
    clockMs = dayMs + DAY_MS;
    const points: MetricPoint[] = [];
    for (let atMs = dayMs; atMs < dayMs + DAY_MS; atMs += BUCKET_MS)
      for (const node of NODES)
        points.push({
          measurement: 'node',
          tags: { node },
          fields: { reachable: reachable(node, atMs) ? 1 : 0 },
          timeMs: atMs,
        });
    writer.write(points);
    await writer.flush();
  }
  expect(writer.health().droppedPoints).toBe(0);
  await writer.close();
}

async function reportOf(client: Client, path: string): Promise<ReportResponse> {
  const response = await client.api(path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as ReportResponse;
}

function parseCsv(text: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString<string[], string[]>(text.replace(/^\uFEFF/, ''), { headers: false })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-reports-'));
  await fillMonth(join(dir, 'metrics.sqlite'));
  store = openMetricsStore(`sqlite:${join(dir, 'metrics.sqlite')}`, { logger: memoryLogger() });
  await store.init();
  stack = await startStack({ metrics: store, withPki: true }, dir);
  const planned = stack.engine.silences.create(
    {
      matchers: [{ label: 'node', value: 'nanzhao-gw' }],
      startsAtMs: NANZHAO_PLANNED[0] as number,
      endsAtMs: NANZHAO_PLANNED[1] as number,
      reason: '南召县路由器升级',
    },
    'test',
  );
  expect(planned.ok).toBe(true);
  await addUser(stack, 'city-op', 'operator', null);
  await addUser(stack, 'xc-op', 'operator', 'xichuan-gw');
  admin = await login(stack.server.url, 'city-op');
  xichuanOp = await login(stack.server.url, 'xc-op');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await store?.close();
});

const label = (value: unknown): ReportLabel => value as ReportLabel;

describe('GET /api/reports/:month', () => {
  test('the whole network: one counted outage, one planned, the county figures and the day it happened', async () => {
    const report = await reportOf(admin, `/api/reports/${month.month}`);
    expect(report).toMatchObject({ month: month.month, toDate: false, hasData: true, scope: null });
    expect(report.summary.outages).toBe(1);
    expect(report.summary.plannedOutages).toBe(1);
    expect(report.summary.mttrS).toBe(3600);
    const monthS = (month.endMs - month.startMs) / 1000;
    const xichuan = report.counties.find((county) => county.id === 'xichuan-gw');
    expect(xichuan?.availabilityPct).toBeCloseTo((100 * (monthS - 3600)) / monthS, 9);
    expect(xichuan?.nodeCount).toBe(stack.topology.descendants('xichuan-gw' as never).length + 1);
    // Counties are the subtree roots (routers), worst first; a county's switch is not a county.
    expect(report.counties[0]?.id).toBe('xichuan-gw');
    expect(report.counties.map((county) => county.id)).not.toContain('xichuan-sw');
    // Nanzhao's 30 minutes were planned: not counted against it.
    expect(report.counties.find((county) => county.id === 'nanzhao-gw')?.availabilityPct).toBe(100);
    expect(report.days).toHaveLength(month.days);
    expect(report.days[2]).toMatchObject({ downS: 3600, outages: 1 });
    expect(report.days[9]).toMatchObject({ downS: 0, plannedS: 1800, outages: 0 });
    expect(report.days.reduce((sum, day) => sum + day.downS, 0)).toBe(3600);
    // The report's sections as tables; fixed words in both languages, data as it is.
    expect(report.tables.map((table) => table.key)).toEqual(
      expect.arrayContaining(['counties', 'links', 'nodes', 'outages']),
    );
    // The sections from the alert engine and the CA the console runs with.
    expect(report.tables.map((table) => table.key)).toEqual(
      expect.arrayContaining([
        'alertsByRule',
        'alertsUnacked',
        'certsIssued',
        'certsRevoked',
        'certsExpiring',
      ]),
    );
    const outages = report.tables.find((table) => table.key === 'outages');
    expect(outages?.rows.map((row) => label(row[4]).en)).toEqual(['outage', 'planned, not counted']);
    expect(outages?.rows[0]?.[0]).toBe('淅川县政府内网路由器');
    const links = report.tables.find((table) => table.key === 'links');
    const xichuanLink = links?.rows.find((row) => row[2] === '淅川县政府内网路由器');
    expect(label(xichuanLink?.[1])).toEqual({ zh: '广电 HFC', en: 'HFC' });
  });

  test("a county operator gets its county's report only, whatever it asks", async () => {
    const report = await reportOf(xichuanOp, `/api/reports/${month.month}`);
    expect(report.scope).toEqual({ root: 'xichuan-gw', name: '淅川县政府内网路由器' });
    const nodes = report.tables.find((table) => table.key === 'nodes');
    for (const row of nodes?.rows ?? [])
      expect(stack.topology.isInSubtree(row[1] as never, 'xichuan-gw' as never)).toBe(true);
    expect(report.summary.outages).toBe(1);
    for (const path of [
      `/api/reports/${month.month}?county=nanzhao-gw`,
      `/api/reports/${month.month}?county=ny-core`,
      `/api/reports/${month.month}/export?format=csv&county=nanzhao-gw`,
    ])
      expect((await xichuanOp.api(path)).status, path).toBe(404);
    const csv = await parseCsv(
      await (await xichuanOp.api(`/api/reports/${month.month}/export?format=csv`)).text(),
    );
    const nodeRows = csv.filter((row) => row[0] === 'nodes' && row[1] === 'row');
    expect(nodeRows.length).toBeGreaterThan(0);
    for (const row of nodeRows) expect(row[3]?.startsWith('xichuan-')).toBe(true);
  });

  test('drill-down: the whole network asks for one county and gets its subtree', async () => {
    const report = await reportOf(admin, `/api/reports/${month.month}?county=xichuan-gw`);
    expect(report.scope?.root).toBe('xichuan-gw');
    const outages = report.tables.find((table) => table.key === 'outages');
    expect(outages?.rows).toHaveLength(1);
  });

  test('a bad month is a 400 naming the field; a month without readings says so', async () => {
    for (const bad of ['abc', '2026-13', '2026-1', `${new Date().getUTCFullYear() + 1}-01`]) {
      const response = await admin.api(`/api/reports/${bad}`);
      expect(response.status, bad).toBe(400);
      const body = (await response.json()) as { error: { field: string; message: string } };
      expect(body.error.field).toBe('month');
    }
    const bad = await admin.api(`/api/reports/${month.month}/export?format=docx`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('format');
    const empty = await reportOf(admin, `/api/reports/${twoMonthsAgo.month}`);
    expect(empty.hasData).toBe(false);
    expect(empty.summary.availabilityPct).toBeNull();
  });

  test('a finished month is built once; a new maintenance window in it builds it again', async () => {
    const first = await reportOf(admin, `/api/reports/${month.month}`);
    const again = await reportOf(admin, `/api/reports/${month.month}`);
    expect(again.generatedAtMs).toBe(first.generatedAtMs);
    const window = stack.engine.silences.create(
      {
        matchers: [{ label: 'node', value: 'xichuan-gw' }],
        startsAtMs: XICHUAN_DOWN[0] as number,
        endsAtMs: XICHUAN_DOWN[1] as number,
        reason: '淅川县链路割接',
      },
      'test',
    );
    if (!window.ok) throw new Error(window.message);
    try {
      const rebuilt = await reportOf(admin, `/api/reports/${month.month}`);
      expect(rebuilt.summary.outages).toBe(0);
      expect(rebuilt.summary.plannedOutages).toBe(2);
    } finally {
      stack.engine.silences.delete(window.silence.id, 'test');
    }
    expect((await reportOf(admin, `/api/reports/${month.month}`)).summary.outages).toBe(1);
  });
});

describe('security alerts in this month to date', () => {
  test('an unacknowledged brute-force alert is listed, its summary in both languages', async () => {
    for (let index = 0; index < 6; index += 1)
      stack.bus.publish(
        securityEvent('xichuan-gw', 'auth-failure', Date.now(), {
          user: 'root',
          sourceAddress: '203.0.113.66',
        }),
      );
    const alert = await eventually(() => stack.engine.list().find((one) => one.rule === 'brute-force'));
    const thisMonth = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const report = await reportOf(admin, `/api/reports/${thisMonth}`);
    expect(report.toDate).toBe(true);
    const unacked = report.tables.find((table) => table.key === 'alertsUnacked');
    const isSummary = (cell: unknown): boolean =>
      typeof cell === 'object' && cell !== null && label(cell).zh === alert.summary;
    const row = unacked?.rows.find((cells) => cells.some(isSummary));
    const summary = label(row?.find(isSummary));
    expect(summary.en).toMatch(/[A-Za-z]{3,}/);
    // English: no Chinese beyond the network's own names.
    const names = stack.topology.nodes.map((node) => node.name);
    const foreign = (summary.en.match(/[\u3400-\u9fff]+/g) ?? []).filter(
      (run) => !names.some((name) => name.includes(run)),
    );
    expect(foreign).toEqual([]);
  });
});

describe('GET /api/reports/:month/export', () => {
  test('CSV parses, one rectangular table with the outage in it', async () => {
    const response = await admin.api(`/api/reports/${month.month}/export?format=csv`);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toContain(`egov-noc-report-${month.month}.csv`);
    const rows = await parseCsv(await response.text());
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
    expect(rows.filter((row) => row[0] === 'outages' && row[1] === 'row').map((row) => row[2])).toEqual([
      '淅川县政府内网路由器',
      '南召县政府内网路由器',
    ]);
  });

  test('XLSX reads back with exceljs, a sheet per table', async () => {
    const response = await admin.api(`/api/reports/${month.month}/export?format=xlsx&county=xichuan-gw`);
    expect(response.headers.get('content-disposition')).toContain(`${month.month}-xichuan-gw.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const names = workbook.worksheets.map((sheet) => sheet.name);
    expect(names).toEqual(expect.arrayContaining(['报告 Report', '县区 Counties', '中断 Outages']));
    const outages = workbook.getWorksheet('中断 Outages');
    expect(outages?.getRow(2).getCell(1).value).toBe('淅川县政府内网路由器');
  });

  test('PDF printed by Chromium: pdftotext finds the Chinese headings and the outage', async () => {
    const response = await admin.api(`/api/reports/${month.month}/export?format=pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'console-report-pdf-'));
    const path = join(dir, 'report.pdf');
    writeFileSync(path, Buffer.from(await response.arrayBuffer()));
    const { stdout: text } = await run('pdftotext', ['-layout', path, '-']);
    for (const heading of ['月度可用率与 SLA 报告', '县区可用率', '租用链路 SLA', '中断清单'])
      expect(text).toContain(heading);
    expect(text).toContain('淅川县政府内网路由器');
  }, 60_000);

  test('the printable page is the HTML the PDF is printed from, and may run nothing', async () => {
    const response = await admin.api(`/api/reports/${month.month}/export?format=html`);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('月度可用率与 SLA 报告');
    expect(html).not.toContain('<script');
  });
});
