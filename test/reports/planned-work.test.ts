import { describe, expect, it } from 'vitest';
import { asNodeId, type Alert, type InventoryNode, type NodeId } from '../../domain';
import { timelinesOf, type Readings } from '../../reports/availability';
import { maintenanceOf } from '../../reports/maintenance';
import { parseMonth } from '../../reports/period';
import { plannedWorkOf } from '../../reports/planned-work';

const parsed = parseMonth('2026-11', 480);
if (!parsed.ok) throw new Error(parsed.reason);
const period = parsed.period;
const BUCKET_MS = 300_000;
const HOUR_S = 3600;
const at = (local: string): number => Date.parse(`${local}+08:00`);

const gw = { id: 'a-gw', name: '甲县路由器', parent: null, tier: 'county' } as unknown as InventoryNode;
const town = {
  id: 'a-town',
  name: '甲镇交换机',
  parent: 'a-gw',
  tier: 'township',
} as unknown as InventoryNode;
const depth = (id: NodeId): number => (id === 'a-gw' ? 0 : 1);

/** Every bucket answered except [fromMs, toMs). */
function readingsDown(fromMs: number, toMs: number): Float64Array {
  const buckets = Math.ceil((period.endMs - period.startMs) / BUCKET_MS);
  const values = new Float64Array(buckets).fill(1);
  for (let i = 0; i < buckets; i += 1) {
    const startMs = period.startMs + i * BUCKET_MS;
    if (startMs >= fromMs && startMs < toMs) values[i] = 0;
  }
  return values;
}

function outageAlert(overrides: Partial<Alert>): Alert {
  return {
    id: 'al-1',
    rule: 'uplink-down',
    kind: 'uplink-down',
    node: 'a-gw',
    startsAtMs: at('2026-11-10T02:01'),
    resolvedAtMs: at('2026-11-10T04:00'),
    ack: { by: 'ops', atMs: at('2026-11-10T02:05'), comment: '运营商割接', planned: true },
    ...overrides,
  } as Alert;
}

function month(alerts: Alert[]) {
  // The county router is down 02:00–04:00 on the 10th and 14:00–15:00 on the 20th; the town follows it.
  const gwDown = readingsDown(at('2026-11-10T02:00'), at('2026-11-10T04:00'));
  const second = readingsDown(at('2026-11-20T14:00'), at('2026-11-20T15:00'));
  for (let i = 0; i < gwDown.length; i += 1) gwDown[i] = Math.min(gwDown[i] ?? 1, second[i] ?? 1);
  const readings: Readings = new Map([
    [asNodeId('a-gw'), gwDown],
    [asNodeId('a-town'), gwDown.slice()],
  ]);
  const maintenance = maintenanceOf([], 480, plannedWorkOf(alerts, period));
  return timelinesOf([gw, town], depth, readings, maintenance, period);
}

describe('outages acknowledged as planned work', () => {
  it('count as maintenance for the node and the nodes behind it, not against availability', () => {
    const lines = month([outageAlert({})]);
    const county = lines.get(asNodeId('a-gw'));
    // The alert starts a minute in; planned work reaches back one bucket so the outage's first
    // minutes are covered: 01:55–04:00 is maintenance (the 01:55 bucket answered, and counts neither way).
    expect(county?.maintenanceS).toBe(2 * HOUR_S + 300);
    expect(county?.ownDownS).toBe(HOUR_S);
    expect(county?.outages.map((outage) => [outage.planned, outage.downS])).toEqual([
      [true, 2 * HOUR_S],
      [false, HOUR_S],
    ]);
    const behind = lines.get(asNodeId('a-town'));
    // Behind it, only the buckets the planned outage cut it off are maintenance.
    expect(behind?.maintenanceS).toBe(2 * HOUR_S);
    expect(behind?.impactedS).toBe(HOUR_S);
    expect(behind?.ownDownS).toBe(0);
  });

  it('without the planned mark the same outage counts, and a non-outage alert never makes maintenance', () => {
    const unplanned = month([outageAlert({ ack: { by: 'ops', atMs: 0, comment: 'seen' } })]);
    expect(unplanned.get(asNodeId('a-gw'))?.maintenanceS).toBe(0);
    expect(unplanned.get(asNodeId('a-gw'))?.ownDownS).toBe(3 * HOUR_S);
    const cpu = month([outageAlert({ rule: 'cpu-high', kind: 'threshold' })]);
    expect(cpu.get(asNodeId('a-gw'))?.maintenanceS).toBe(0);
  });

  it('an outage still open when the month ends is planned to the end of the month', () => {
    const work = plannedWorkOf([outageAlert({ resolvedAtMs: null })], period);
    expect(work).toEqual([
      { node: 'a-gw', alertId: 'al-1', startMs: at('2026-11-10T01:56'), endMs: period.endMs },
    ]);
  });
});
