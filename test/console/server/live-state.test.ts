import { expect, test } from 'vitest';
import type { Alert } from '../../../domain';
import { LiveState } from '../../../console/server/live-state';
import { loadNanyang } from './support';

const topology = loadNanyang();

test('samples make a node reachable and fresh; two missed poll intervals make it stale', () => {
  let nowMs = 1_000_000;
  const live = new LiveState(topology, () => nowMs);
  expect(live.node('xichuan-sw' as never)).toMatchObject({
    reachability: 'unknown',
    stale: true,
    lastSeenMs: null,
  });
  live.apply({
    type: 'samples',
    node: 'xichuan-sw' as never,
    timeMs: nowMs,
    points: [{ measurement: 'node', tags: { node: 'xichuan-sw' }, fields: { cpuPct: 37 }, timeMs: nowMs }],
  });
  const changes = live.flush();
  expect(changes).toHaveLength(1);
  expect(changes[0]?.kind === 'node' && changes[0].node).toMatchObject({
    id: 'xichuan-sw',
    reachability: 'reachable',
    stale: false,
    cpuPct: 37,
  });
  const pollMs = (topology.find('xichuan-sw')?.pollIntervalS ?? 60) * 1000;
  nowMs += 2 * pollMs - 1;
  expect(live.flush()).toEqual([]);
  nowMs += 2;
  const stale = live.flush();
  expect(stale).toHaveLength(1);
  expect(stale[0]?.kind === 'node' && stale[0].node).toMatchObject({ id: 'xichuan-sw', stale: true });
});

test('alerts mark the root cause, the impacted nodes and the worst severity; resolve clears them', () => {
  const live = new LiveState(topology);
  const root = {
    id: 'r1',
    node: 'xichuan-gw',
    severity: 'critical',
    status: 'firing',
    impacted: ['xichuan-sw', 'xichuan-mcu'],
  } as unknown as Alert;
  live.apply({ type: 'alert', seq: 1, change: 'opened', alert: root, actor: 'engine', timeMs: 0 });
  expect(live.node('xichuan-gw' as never)).toMatchObject({
    rootCauseAlertId: 'r1',
    worstSeverity: 'critical',
    impactedBy: null,
  });
  expect(live.node('xichuan-mcu' as never)).toMatchObject({ impactedBy: 'r1', rootCauseAlertId: null });
  expect(
    live
      .flush()
      .map((change) => (change.kind === 'node' ? change.node.id : change.link.id))
      .sort(),
  ).toEqual(['xichuan-gw', 'xichuan-mcu', 'xichuan-sw']);
  live.apply({
    type: 'alert',
    seq: 2,
    change: 'resolved',
    alert: { ...root, status: 'resolved' },
    actor: 'engine',
    timeMs: 0,
  });
  expect(live.node('xichuan-gw' as never)).toMatchObject({ rootCauseAlertId: null, worstSeverity: null });
  expect(live.node('xichuan-mcu' as never).impactedBy).toBeNull();
});

test('interface state and utilization samples drive the link state', () => {
  const live = new LiveState(topology);
  const link = topology.uplinkOf('xichuan-gw' as never);
  if (!link) throw new Error('no uplink');
  live.apply({
    type: 'interface.state',
    node: link.b.node,
    timeMs: 5,
    ifIndex: 1,
    ifName: link.b.interface,
    state: 'down',
    source: 'trap',
  });
  expect(live.link(link.id)).toMatchObject({ state: 'down', updatedMs: 5 });
  live.apply({
    type: 'samples',
    node: link.a.node,
    timeMs: 9,
    points: [
      {
        measurement: 'interface',
        tags: { ifName: link.a.interface },
        fields: { inUtilPct: 12, outUtilPct: 40, operUp: 1 },
        timeMs: 9,
      },
    ],
  });
  expect(live.link(link.id)).toMatchObject({ state: 'up', utilPct: 40, updatedMs: 9 });
});

test('a failed poll (node point with reachable=0) does not count as seeing the node', () => {
  let nowMs = 5_000_000;
  const live = new LiveState(topology, () => nowMs);
  const point = (reachable: number) => ({
    measurement: 'node',
    tags: { node: 'xichuan-sw' },
    fields: { reachable },
    timeMs: nowMs,
  });
  live.apply({ type: 'samples', node: 'xichuan-sw' as never, timeMs: nowMs, points: [point(1)] });
  const seen = nowMs;
  nowMs += 10_000;
  live.apply({ type: 'samples', node: 'xichuan-sw' as never, timeMs: nowMs, points: [point(0)] });
  expect(live.node('xichuan-sw' as never).lastSeenMs).toBe(seen);
});

test('an outage alert makes its node unreachable at once; its resolution, or a newer answer, makes it reachable', () => {
  let nowMs = 2_000_000;
  const live = new LiveState(topology, () => nowMs);
  const node = 'xichuan-gw' as never;
  live.apply({ type: 'node.state', node, timeMs: nowMs, state: 'reachable', reason: 'answering polls' });
  const opened = {
    id: 'u1',
    rule: 'uplink-down',
    kind: 'uplink-down',
    node,
    severity: 'critical',
    status: 'firing',
    impacted: ['xichuan-sw'],
    suppressedBy: null,
    startsAtMs: nowMs + 1_000,
    updatedAtMs: nowMs + 1_000,
    resolvedAtMs: null,
  } as unknown as Alert;
  live.apply({
    type: 'alert',
    seq: 1,
    change: 'opened',
    alert: opened,
    actor: 'engine',
    timeMs: nowMs + 1_000,
  });
  expect(live.node(node)).toMatchObject({ reachability: 'unreachable', rootCauseAlertId: 'u1' });
  // A late sample from before the cut is older news and changes nothing.
  live.apply({
    type: 'samples',
    node,
    timeMs: nowMs + 500,
    points: [
      { measurement: 'node', tags: { node: 'xichuan-gw' }, fields: { cpuPct: 5 }, timeMs: nowMs + 500 },
    ],
  });
  expect(live.node(node).reachability).toBe('unreachable');
  nowMs += 60_000;
  const resolved = { ...opened, status: 'resolved', resolvedAtMs: nowMs, updatedAtMs: nowMs } as Alert;
  live.apply({ type: 'alert', seq: 2, change: 'resolved', alert: resolved, actor: 'engine', timeMs: nowMs });
  expect(live.node(node)).toMatchObject({ reachability: 'reachable', rootCauseAlertId: null });
  expect(live.node('xichuan-sw' as never).impactedBy).toBeNull();
});

test('a collector verdict older than an answer does not override it', () => {
  const live = new LiveState(topology, () => 3_000_000);
  const node = 'xichuan-sw' as never;
  live.apply({
    type: 'samples',
    node,
    timeMs: 3_000_000,
    points: [{ measurement: 'node', tags: { node: 'xichuan-sw' }, fields: { cpuPct: 5 }, timeMs: 3_000_000 }],
  });
  live.apply({
    type: 'node.state',
    node,
    timeMs: 2_990_000,
    state: 'unreachable',
    reason: 'no answer (timeout)',
  });
  expect(live.node(node).reachability).toBe('reachable');
  live.apply({
    type: 'node.state',
    node,
    timeMs: 3_010_000,
    state: 'unreachable',
    reason: 'no answer (timeout)',
  });
  expect(live.node(node).reachability).toBe('unreachable');
});

test('a port trap newer than the last reading is the port state known now', () => {
  const live = new LiveState(topology, () => 4_000_000);
  const node = 'xichuan-gw' as never;
  live.apply({
    type: 'interface.state',
    node,
    timeMs: 4_000_000,
    ifIndex: 1,
    ifName: 'GE0/0/1',
    state: 'down',
    source: 'trap',
  });
  live.apply({
    type: 'interface.state',
    node,
    timeMs: 3_000_000,
    ifIndex: 1,
    ifName: 'GE0/0/1',
    state: 'up',
    source: 'poll',
  });
  expect(live.interfaceState(node, 'GE0/0/1')).toEqual({ state: 'down', atMs: 4_000_000, source: 'trap' });
});

test('a link with no reading for two poll intervals turns stale, and fresh again with the next one', () => {
  let nowMs = 5_000_000;
  const live = new LiveState(topology, () => nowMs);
  const link = topology.links.find((l) => l.a.node === 'ny-core' && l.b.node === 'xichuan-gw');
  if (!link) throw new Error('no ny-core – xichuan-gw link');
  const reading = (timeMs: number) =>
    live.apply({
      type: 'samples',
      node: 'ny-core' as never,
      timeMs,
      points: [
        {
          measurement: 'interface',
          tags: { node: 'ny-core', ifName: link.a.interface },
          fields: { inUtilPct: 42, operUp: 1 },
          timeMs,
        },
      ],
    });
  reading(nowMs);
  live.flush();
  expect(live.link(link.id)).toMatchObject({ utilPct: 42, stale: false });
  const pollS = Math.max(topology.node(link.a.node).pollIntervalS, topology.node(link.b.node).pollIntervalS);
  nowMs += 2 * pollS * 1000 + 1;
  const changes = live.flush();
  expect(changes.some((c) => c.kind === 'link' && c.link.id === link.id && c.link.stale)).toBe(true);
  reading(nowMs);
  live.flush();
  expect(live.link(link.id)?.stale).toBe(false);
});
