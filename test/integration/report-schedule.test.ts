/**
 * The scheduled monthly report with a fake clock and a real webhook receiver (node:http on
 * loopback): nothing before the configured day and local time; then last month's report written to
 * the folder (0600 files, 0700 folder) and POSTed once per format; a restart delivers nothing
 * twice; a failing receiver is retried at the next check, a bounded number of times, and its
 * secrets (URL key, Authorization header) never reach the log.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileWebhook } from '../../alerts';
import { memoryLogger, type MemoryLogger } from '../../common';
import { loadInventoryText, type Topology } from '../../inventory';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import { buildMonthlyReport, dueReportMonth, startReportSchedule, type ReportPoster } from '../../reports';
import { INVENTORY_YAML } from '../reports/month-fixture';

const SECRET_KEY = 'k3y-in-the-url-0042';
const SECRET_TOKEN = 'Bearer s3cret-token-0042';
/** 2026-12-01 06:00 China time: the schedule's day 1 at 06:00. */
const DUE_MS = Date.UTC(2026, 11, 1, 6, 0) - 8 * 3_600_000;

interface Received {
  headers: IncomingMessage['headers'];
  url: string;
  body: Buffer;
}

let server: Server;
let receiverUrl = '';
let received: Received[] = [];
/** How many requests to refuse with 503 before accepting. */
let refuseNext = 0;
let store: MetricsStore;
let topology: Topology;
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (refuseNext > 0) {
        refuseNext -= 1;
        response.writeHead(503).end('busy');
        return;
      }
      received.push({ headers: request.headers, url: request.url ?? '', body: Buffer.concat(chunks) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?key=${SECRET_KEY}`;
  store = openMetricsStore('memory', { logger: memoryLogger() });
  await store.init();
  const loaded = loadInventoryText('net.yaml', INVENTORY_YAML);
  if (!loaded.ok) throw new Error('inventory');
  topology = loaded.topology;
});

afterAll(async () => {
  await store.close();
  await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
  refuseNext = 0;
});

function poster(): ReportPoster {
  const made = fileWebhook(
    { url: receiverUrl, headers: { Authorization: { env: 'HOOK_AUTH' } }, timeoutMs: 10_000 },
    { HOOK_AUTH: SECRET_TOKEN },
  );
  if (!made.ok) throw new Error(made.problems.join('; '));
  return (file) =>
    made.webhook.post({
      content: file.content,
      contentType: file.contentType,
      fileName: file.fileName,
      dedupKey: file.dedupKey,
      headers: { 'x-egov-noc-report-month': file.month },
    });
}

function schedule(stateDir: string, clock: { nowMs: number }, log: MemoryLogger, maxAttemptsPerMonth = 3) {
  return startReportSchedule({
    due: { dayOfMonth: 1, atLocal: '06:00', utcOffsetMin: 480 },
    formats: ['csv', 'xlsx'],
    networkId: 'testcity',
    dir: join(stateDir, 'out', 'reports'),
    webhook: poster(),
    stateFile: join(stateDir, 'report-schedule.json'),
    build: (period) => buildMonthlyReport({ topology, store, period, silences: [] }),
    log,
    now: () => clock.nowMs,
    autoStart: false,
    maxAttemptsPerMonth,
  });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'egov-report-schedule-'));
  dirs.push(dir);
  return dir;
}

describe('scheduled monthly report', () => {
  it('is due on the configured day at the local time, for last month', () => {
    const due = { dayOfMonth: 1, atLocal: '06:00', utcOffsetMin: 480 };
    expect(dueReportMonth(DUE_MS - 60_000, due)).toBe('2026-10');
    expect(dueReportMonth(DUE_MS, due)).toBe('2026-11');
    // January: last month is December of the year before.
    expect(dueReportMonth(Date.UTC(2027, 0, 3), { ...due, dayOfMonth: 2 })).toBe('2026-12');
  });

  it('delivers last month once, to the folder and the webhook, and not again after a restart', async () => {
    const dir = tempDir();
    const clock = { nowMs: DUE_MS - 60_000 };
    const log = memoryLogger();
    // Started a minute before December's due time: October's report (due in November) is the one due.
    const first = schedule(dir, clock, log);
    await first.runDue();
    received = [];
    expect(readdirSync(join(dir, 'out', 'reports')).sort()).toEqual([
      'testcity-report-2026-10.csv',
      'testcity-report-2026-10.xlsx',
    ]);
    // A minute on, still before the due time: nothing new.
    clock.nowMs = DUE_MS - 1;
    expect(await first.runDue()).toMatchObject({ month: '2026-10', idle: true });
    expect(received).toHaveLength(0);

    clock.nowMs = DUE_MS;
    expect(await first.runDue()).toMatchObject({ month: '2026-11', delivered: ['folder', 'webhook'] });
    const folder = join(dir, 'out', 'reports');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const csvPath = join(folder, 'testcity-report-2026-11.csv');
    expect(statSync(csvPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'report-schedule.json')).mode & 0o777).toBe(0o600);
    expect(received.map((one) => one.headers['x-egov-noc-report-month'])).toEqual(['2026-11', '2026-11']);
    expect(received.map((one) => one.headers['content-type'])).toEqual([
      'text/csv; charset=utf-8',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    expect(received[0]?.headers.authorization).toBe(SECRET_TOKEN);
    expect(received[0]?.headers['x-egov-noc-dedup-key']).toBe('report:testcity:2026-11:csv');
    // What the receiver got is the file the folder holds, and it is November's report.
    expect(received[0]?.body.equals(readFileSync(csvPath))).toBe(true);
    expect(received[0]?.body.toString('utf8')).toContain('2026-11');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(received[1]?.body as never);
    expect(workbook.getWorksheet('节点 Nodes')?.rowCount).toBe(1 + 7);

    // A later check and a restart (a new schedule on the same state file) deliver nothing more.
    clock.nowMs = DUE_MS + 3_600_000;
    expect(await first.runDue()).toMatchObject({ idle: true });
    const restarted = schedule(dir, clock, log);
    expect(await restarted.runDue()).toMatchObject({ month: '2026-11', idle: true });
    expect(received).toHaveLength(2);
  });

  it('retries a failing webhook at the next check without writing the folder again, and never logs its secrets', async () => {
    const dir = tempDir();
    const clock = { nowMs: DUE_MS };
    const log = memoryLogger();
    const run = schedule(dir, clock, log);
    refuseNext = 1;
    expect(await run.runDue()).toMatchObject({
      delivered: ['folder'],
      failed: [{ target: 'webhook', error: expect.stringMatching(/HTTP 503/) as unknown }],
    });
    const failure = log.lines.find((line) => line.level === 'error');
    expect(failure?.msg).toMatch(/retrying at the next check/);
    expect(JSON.stringify(log.lines)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(log.lines)).not.toContain('s3cret-token');
    const writtenAtMs = statSync(join(dir, 'out', 'reports', 'testcity-report-2026-11.csv')).mtimeMs;

    clock.nowMs += 5 * 60_000;
    expect(await run.runDue()).toMatchObject({ delivered: ['webhook'], failed: [] });
    expect(received.map((one) => one.headers['x-egov-noc-report-month'])).toEqual(['2026-11', '2026-11']);
    expect(statSync(join(dir, 'out', 'reports', 'testcity-report-2026-11.csv')).mtimeMs).toBe(writtenAtMs);
    expect(run.state().failing).toBeNull();
  });

  it('gives up on a month after the bounded attempts, saying so', async () => {
    const dir = tempDir();
    const clock = { nowMs: DUE_MS };
    const log = memoryLogger();
    const run = schedule(dir, clock, log, 2);
    refuseNext = 100;
    await run.runDue();
    clock.nowMs += 5 * 60_000;
    await run.runDue();
    expect(log.lines.filter((line) => line.level === 'error').map((line) => line.msg)).toEqual([
      expect.stringMatching(/retrying at the next check/),
      expect.stringMatching(/giving up on this month/),
    ]);
    clock.nowMs += 5 * 60_000;
    expect(await run.runDue()).toMatchObject({ month: '2026-11', idle: true });
    expect(run.state().failing).toMatchObject({ month: '2026-11', attempts: 2 });
  });
});
