/**
 * A failed scheduled delivery of the monthly report raises an alert in the real alert engine (the
 * shipped rules, its SQLite store, an in-process bus): a webhook receiver on loopback that answers
 * 503, and a report folder that cannot be made (a file stands where it should be). The alert is one
 * per target, acknowledged like any other, kept open (a repeat) by the next failed attempt, and
 * resolved by the next successful delivery to that target.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { fileWebhook, startAlertEngine, type AlertEngine } from '../../alerts';
import { InProcessBus } from '../../bus';
import { memoryLogger, silentLogger } from '../../common';
import type { Alert } from '../../domain';
import { loadInventoryText, type Topology } from '../../inventory';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import { buildMonthlyReport, startReportSchedule, type ReportPoster } from '../../reports';
import { INVENTORY_YAML } from '../reports/month-fixture';

/** 2026-12-01 06:00 China time: the schedule's day 1 at 06:00. */
const DUE_MS = Date.UTC(2026, 11, 1, 6, 0) - 8 * 3_600_000;

const dir = mkdtempSync(join(tmpdir(), 'report-delivery-alert-'));
let server: Server;
let receiverUrl = '';
let refusing = true;
let accepted = 0;
let topology: Topology;
let store: MetricsStore;
let bus: InProcessBus;
let engine: AlertEngine;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (refusing) {
        response.writeHead(503).end('receiver down for maintenance');
        return;
      }
      accepted += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`;
  const loaded = loadInventoryText('net.yaml', INVENTORY_YAML);
  if (!loaded.ok) throw new Error('inventory');
  topology = loaded.topology;
  store = openMetricsStore('memory', { logger: memoryLogger() });
  await store.init();
  bus = new InProcessBus();
  engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    log: silentLogger(),
    clock: () => DUE_MS,
  });
});

afterAll(async () => {
  await engine.stop();
  await store.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function poster(): ReportPoster {
  const made = fileWebhook({ url: receiverUrl, timeoutMs: 10_000 }, {});
  if (!made.ok) throw new Error(made.problems.join('; '));
  return (file) =>
    made.webhook.post({
      content: file.content,
      contentType: file.contentType,
      fileName: file.fileName,
      dedupKey: file.dedupKey,
    });
}

const deliveryAlert = (target: string): Alert | undefined =>
  engine.list().find((alert) => alert.rule === 'report-delivery' && alert.labels.target === target);

it('raises an alert per failed target, keeps it through an ack and a retry, and clears it on delivery', async () => {
  // A file where the report folder should be: the folder cannot be made.
  const folder = join(dir, 'blocked', 'reports');
  writeFileSync(join(dir, 'blocked'), 'not a folder');
  const clock = { nowMs: DUE_MS };
  const log = memoryLogger();
  const schedule = startReportSchedule({
    due: { dayOfMonth: 1, atLocal: '06:00', utcOffsetMin: 480 },
    formats: ['csv'],
    networkId: 'testcity',
    dir: folder,
    webhook: poster(),
    stateFile: join(dir, 'report-schedule.json'),
    build: (period) => buildMonthlyReport({ topology, store, period, silences: [] }),
    log,
    now: () => clock.nowMs,
    autoStart: false,
    onDelivery: ({ atMs, ...outcome }) => bus.publish({ type: 'report.delivery', timeMs: atMs, ...outcome }),
  });

  expect(await schedule.runDue()).toMatchObject({ month: '2026-11', delivered: [] });
  await vi.waitFor(() => {
    expect(deliveryAlert('webhook')).toBeDefined();
    expect(deliveryAlert('folder')).toBeDefined();
  });
  const webhookAlert = deliveryAlert('webhook') as Alert;
  expect(webhookAlert).toMatchObject({ status: 'firing', severity: 'warning', node: null, ack: null });
  expect(webhookAlert.params).toMatchObject({ month: '2026-11', target: 'webhook' });
  expect(String(webhookAlert.params.error)).toContain('503');
  expect(webhookAlert.summary).toContain('2026-11 月度报告未能推送到 Webhook');
  expect(deliveryAlert('folder')?.summary).toContain('2026-11 月度报告未能写入报告目录');

  // The on-call takes it up: acknowledged, still open.
  expect(engine.ack(webhookAlert.id, 'duty-officer', 'receiver being fixed')).toMatchObject({ ok: true });
  expect(deliveryAlert('webhook')?.ack).toMatchObject({ by: 'duty-officer' });

  // The next check fails again: the same alert, a repeat with the attempt's evidence, still acked.
  clock.nowMs += 5 * 60_000;
  await schedule.runDue();
  await vi.waitFor(() => expect(deliveryAlert('webhook')?.repeats).toBe(1));
  expect(deliveryAlert('webhook')).toMatchObject({ id: webhookAlert.id, ack: { by: 'duty-officer' } });
  expect(deliveryAlert('webhook')?.evidence.at(-1)?.text).toContain('第 2 次投递失败');

  // The receiver is back, the folder can be made: both delivered, both alerts resolved.
  refusing = false;
  rmSync(join(dir, 'blocked'));
  clock.nowMs += 5 * 60_000;
  expect(await schedule.runDue()).toMatchObject({ delivered: ['folder', 'webhook'], failed: [] });
  expect(accepted).toBe(1);
  await vi.waitFor(() => {
    expect(deliveryAlert('webhook')).toBeUndefined();
    expect(deliveryAlert('folder')).toBeUndefined();
  });
  expect(engine.get(webhookAlert.id)).toMatchObject({ status: 'resolved' });
  expect(engine.get(webhookAlert.id)?.evidence.at(-1)?.text).toContain('2026-11 月度报告已投递');
});
