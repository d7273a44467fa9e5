/**
 * The certificates section from a real CA directory: a CA made inside the test (its clock set in
 * last month), a certificate issued and another issued then revoked in the month, a third issued and
 * renewed, read back through pki/'s read-only index reader (no passphrase) into the report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { memoryLogger } from '../../common';
import { loadInventory, type Topology } from '../../inventory';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import { directoryFromTopology, initCa, openCa, readCertificateIndex } from '../../pki';
import { buildMonthlyReport, parseMonth, type ReportPeriod } from '../../reports';
import { previousMonth } from '../reports/month-fixture';

const DAY_MS = 86_400_000;
const PASSPHRASE = 'report-pki-index-test';
const inventoryPath = resolve('configs/examples/nanyang.yaml');
const dir = mkdtempSync(join(tmpdir(), 'report-pki-'));
let topology: Topology;
let period: ReportPeriod;
let store: MetricsStore;
const serials = { kept: '', revoked: '', renewedOld: '', renewedNew: '' };

beforeAll(async () => {
  const loaded = loadInventory(inventoryPath);
  if (!loaded.ok || !loaded.inventory.pki) throw new Error('inventory');
  topology = loaded.topology;
  const parsed = parseMonth(previousMonth(Date.now()).month);
  if (!parsed.ok) throw new Error(parsed.reason);
  period = parsed.period;
  let clockMs = period.startMs + DAY_MS;
  const created = initCa(dir, {
    pki: loaded.inventory.pki,
    passphrase: PASSPHRASE,
    keyType: 'p256',
    inventoryPath,
    actor: 'test',
    now: new Date(clockMs),
  });
  if (!created.ok) throw new Error(created.reason);
  const opened = openCa(dir, PASSPHRASE, {
    nodes: directoryFromTopology(topology),
    now: () => new Date(clockMs),
  });
  if (!opened.ok) throw new Error(opened.reason);
  const ca = opened.value;
  clockMs = period.startMs + 2 * DAY_MS;
  const issue = (node: string) => {
    const issued = ca.issueWithGeneratedKey({
      nodeId: node,
      profile: 'router',
      keyType: 'p256',
      validityDays: 40,
      actor: 'test',
    });
    if (!issued.ok) throw new Error(issued.reason);
    return issued.value.record.serial;
  };
  serials.kept = issue('nanzhao-gw');
  serials.revoked = issue('xichuan-gw');
  clockMs = period.startMs + 3 * DAY_MS;
  const revoked = ca.revoke({ serial: serials.revoked, reason: 'keyCompromise', actor: 'test' });
  if (!revoked.ok) throw new Error(revoked.reason);
  serials.renewedOld = issue('fangcheng-gw');
  clockMs = period.startMs + 5 * DAY_MS;
  const renewed = ca.renew({
    serial: serials.renewedOld,
    generate: { keyType: 'p256' },
    validityDays: 400,
    actor: 'test',
  });
  if (!renewed.ok) throw new Error(renewed.reason);
  serials.renewedNew = renewed.value.record.serial;
  ca.close();
  store = openMetricsStore('memory', { logger: memoryLogger() });
  await store.init();
}, 120_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reports the month’s issued, revoked and soon-expiring certificates from the CA index', async () => {
  const report = await buildMonthlyReport({
    topology,
    store,
    period,
    silences: [],
    certificates: readCertificateIndex(dir),
  });
  const issued = report.pki?.issued.filter((row) => row.node !== null).map((row) => row.serial);
  expect(issued).toEqual([serials.kept, serials.revoked, serials.renewedOld, serials.renewedNew]);
  expect(report.pki?.revoked.map((row) => [row.serial, row.reason])).toEqual([
    [serials.revoked, 'keyCompromise'],
  ]);
  // 40 days from day 3 ends 11 or 12 days after the month: expiring; the revoked one is not.
  expect(report.pki?.expiring.filter((row) => row.node !== null).map((row) => row.serial)).toEqual([
    serials.kept,
  ]);
  // Fangcheng's first certificate would expire as soon, but its renewal is valid: shown as renewed.
  expect(report.pki?.renewed.map((row) => [row.serial, row.node, row.renewedBySerial])).toEqual([
    [serials.renewedOld, 'fangcheng-gw', serials.renewedNew],
  ]);
  const county = await buildMonthlyReport({
    topology,
    store,
    period,
    silences: [],
    certificates: readCertificateIndex(dir),
    scopeRoot: topology.node('xichuan-gw' as never).id,
  });
  expect(county.pki?.issued.map((row) => row.serial)).toEqual([serials.revoked]);
  expect(county.pki?.expiring).toEqual([]);
});
