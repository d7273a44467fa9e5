/**
 * `egov-noc report` end to end on the deployed path: the compiled CLI reads an inventory, the
 * embedded metrics store and the alert engine's state file (its maintenance windows), and writes the
 * month as CSV (parsed back), XLSX (read back with exceljs) and PDF (printed by Chromium; checked
 * with Debian's pdftotext, pdffonts and pdftoppm).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../alerts/store';
import { memoryLogger } from '../../common';
import { asNodeId, type SecurityEvent } from '../../domain';
import { openLogStore } from '../../logs';
import { makeEvent } from '../logs/store/contract';
import { availability, expectedNodes } from '../reports/expected';
import { fillEmbedded } from '../reports/fill-embedded';
import { buildFixture, INVENTORY_YAML, type MonthFixture } from '../reports/month-fixture';

const run = promisify(execFile);
const fixture: MonthFixture = buildFixture(Date.now());
const expected = expectedNodes(fixture);
let dir: string;

async function report(format: string, extra: string[] = []): Promise<string> {
  const out = join(dir, `report-${format}-${extra.length}.${format}`);
  await run(process.execPath, [
    'bin/egov-noc.js',
    'report',
    ...['--month', fixture.month, '--format', format, '--out', out],
    ...['--inventory', join(dir, 'net.yaml'), '--store', `sqlite:${join(dir, 'metrics.db')}`],
    ...['--alerts-db', join(dir, 'alerts.db'), '--log-store', `sqlite:${join(dir, 'logs.db')}`, ...extra],
  ]);
  return out;
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

/** The month's security events: 5 failed sign-ins on a-town and 2 attacks from an unknown sender, from one address; 3 denies on b-gw; one event the month before. */
function securityEvents(): SecurityEvent[] {
  const inMonth = fixture.startMs + 3 * 86_400_000;
  const repeat = (count: number, overrides: Partial<SecurityEvent>): SecurityEvent[] =>
    Array.from({ length: count }, (_, index) => makeEvent({ timeMs: inMonth + index * 1000, ...overrides }));
  return [
    ...repeat(5, { node: asNodeId('a-town'), category: 'auth-failure', sourceAddress: '203.0.113.9' }),
    ...repeat(3, { node: asNodeId('b-gw'), category: 'policy-deny', sourceAddress: '198.51.100.7' }),
    ...repeat(2, { node: null, category: 'attack', sourceAddress: '203.0.113.9' }),
    makeEvent({ node: asNodeId('b-gw'), category: 'attack', timeMs: fixture.startMs - 1000 }),
  ];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-report-cli-'));
  writeFileSync(join(dir, 'net.yaml'), INVENTORY_YAML);
  expect(await fillEmbedded(fixture, join(dir, 'metrics.db'))).toBe(0);
  const alerts = new AlertStore(join(dir, 'alerts.db'));
  for (const silence of fixture.silences) alerts.saveSilence(silence);
  alerts.close();
  const logs = openLogStore(`sqlite:${join(dir, 'logs.db')}`, { logger: memoryLogger() });
  await logs.init();
  logs.write(securityEvents());
  await logs.flush();
  await logs.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('egov-noc report', () => {
  it('writes a CSV that parses, one width for every row, with the hand-worked figures', async () => {
    const out = await report('csv');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const rows = await parseCsv(readFileSync(out, 'utf8'));
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
    const nodeRows = rows.filter((row) => row[0] === 'nodes' && row[1] === 'row');
    expect(nodeRows.map((row) => row[3]).sort()).toEqual(Object.keys(expected).sort());
    const bGw = nodeRows.find((row) => row[3] === 'b-gw');
    expect(Number(bGw?.[6])).toBeCloseTo(availability(expected['b-gw'] as never), 3);
    const links = rows.filter((row) => row[0] === 'links' && row[1] === 'row');
    expect(links.map((row) => [row[2], row[6]])).toEqual([
      ['a-uplink', '达标 met'],
      ['b-uplink', '未达标 missed'],
    ]);
    expect(rows.filter((row) => row[0] === 'outages' && row[1] === 'row')).toHaveLength(7);
  }, 60_000);

  it('writes an XLSX that exceljs reads back, a sheet per table', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await report('xlsx'));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '报告 Report',
      '县区 Counties',
      '租用链路 Links',
      '层级与网络 Groups',
      '节点 Nodes',
      '中断 Outages',
      '安全事件 Security',
      '来源地址 Sources',
      '安全告警 Security alerts',
      '未确认告警 Unacknowledged',
    ]);
    const nodes = workbook.getWorksheet('节点 Nodes');
    expect(nodes?.rowCount).toBe(1 + Object.keys(expected).length);
    const aGwRow = nodes?.getRows(2, 7)?.find((row) => row.getCell(2).value === 'a-gw');
    expect(aGwRow?.getCell(1).value).toBe('甲县政务外网路由器');
    expect(Number(aGwRow?.getCell(5).value)).toBeCloseTo(availability(expected['a-gw'] as never), 3);
    expect(workbook.getWorksheet('中断 Outages')?.rowCount).toBe(1 + 7);
  }, 60_000);

  it('prints a PDF with Chinese text, every table and every row, its font embedded, pages that render', async () => {
    const out = await report('pdf');
    const { stdout: text } = await run('pdftotext', ['-layout', out, '-']);
    for (const heading of ['县区可用率', '租用链路 SLA', '按层级与网络', '节点可用率', '中断清单'])
      expect(text).toContain(heading);
    for (const node of Object.keys(expected)) expect(text).toContain(node);
    expect(text).toContain('乙县政务外网路由器');
    expect(text.match(/故障 outage/g)).toHaveLength(5);
    expect(text.match(/计划维护/g)?.length).toBeGreaterThanOrEqual(2);
    const { stdout: fonts } = await run('pdffonts', [out]);
    const cjk = fonts.split('\n').filter((line) => /WenQuanYi|wqy/i.test(line));
    expect(cjk.length).toBeGreaterThan(0);
    for (const line of cjk) expect(line).toMatch(/\byes\b/);
    const { stdout: info } = await run('pdfinfo', [out]);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    await run('pdftoppm', ['-r', '40', '-png', out, join(dir, 'page')]);
    const images = readdirSync(dir).filter((name) => /^page-\d+\.png$/.test(name));
    expect(images).toHaveLength(pages);
    for (const image of images) expect(statSync(join(dir, image)).size).toBeGreaterThan(1000);
  }, 120_000);

  it("counts the month's security events per county and category, with the top sources", async () => {
    const rows = await parseCsv(readFileSync(await report('csv'), 'utf8'));
    const security = rows.filter((row) => row[0] === 'security' && row[1] === 'row');
    // county, auth-success, auth-failure, command, config-change, policy-deny, attack, system, total
    expect(security.map((row) => row.slice(2, 11))).toEqual([
      ['甲县政务外网路由器', '0', '5', '0', '0', '0', '0', '0', '5'],
      ['乙县政务外网路由器', '0', '0', '0', '0', '3', '0', '0', '3'],
      ['其他 other', '0', '0', '0', '0', '0', '2', '0', '2'],
    ]);
    const sources = rows.filter((row) => row[0] === 'sources' && row[1] === 'row');
    expect(sources.map((row) => row.slice(2, 4))).toEqual([
      ['203.0.113.9', '7'],
      ['198.51.100.7', '3'],
    ]);
  }, 60_000);

  it("--county writes that county's report only", async () => {
    const rows = await parseCsv(readFileSync(await report('csv', ['--county', 'b-gw']), 'utf8'));
    const nodeIds = rows.filter((row) => row[0] === 'nodes' && row[1] === 'row').map((row) => row[3]);
    expect(nodeIds.sort()).toEqual(['b-gw', 'b-town']);
    const security = rows.filter((row) => row[0] === 'security' && row[1] === 'row');
    expect(security.map((row) => [row[2], row[10]])).toEqual([['乙县政务外网路由器', '3']]);
    const sources = rows.filter((row) => row[0] === 'sources' && row[1] === 'row');
    expect(sources.map((row) => row[2])).toEqual(['198.51.100.7']);
  }, 60_000);

  it('refuses a bad month, format, county or CA directory with the reason', async () => {
    for (const [flags, reason] of [
      [['--month', '2026-13'], /must be YYYY-MM/],
      [['--format', 'docx'], /not one of: csv, xlsx, pdf/],
      [['--county', 'nowhere'], /"nowhere" is not a node/],
      [['--pki-dir', '/nonexistent-ca'], /--pki-dir \/nonexistent-ca: .*holds no CA \(no ca.sqlite\)/],
    ] as const) {
      const args = ['--month', fixture.month, '--format', 'csv', ...flags];
      const failure = await run(process.execPath, [
        'bin/egov-noc.js',
        'report',
        ...args,
        ...['--out', join(dir, 'x.csv'), '--inventory', join(dir, 'net.yaml')],
        ...['--store', `sqlite:${join(dir, 'metrics.db')}`],
      ]).catch((error: { code: number; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stderr: string }).stderr).toMatch(reason);
    }
  }, 60_000);
});
