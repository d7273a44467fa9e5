import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../domain';
import {
  harness,
  ifState,
  linkTrap,
  reachable,
  sample,
  shuffled,
  unreachable,
  XICHUAN_UPLINK,
  type Harness,
} from './support';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

const visible = (h: Harness) => h.engine.list();
const all = (h: Harness) => h.engine.list({ includeSuppressed: true });

describe('topology correlation', () => {
  it('a cut county uplink gives exactly one critical root cause listing the nodes behind it', async () => {
    h = await harness({
      notifications: {
        receivers: [{ name: 'noc', type: 'webhook', url: 'http://127.0.0.1:9/x', timeout: 1000 }],
        routes: [{ receiver: 'noc', matchers: [] }],
      },
    });
    for (const node of shuffled(['xichuan-gw', 'xichuan-sw', 'xichuan-mcu'])) unreachable(h, node);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    h.clock.advance(5_000);
    h.engine.tick();

    const roots = visible(h);
    expect(roots).toHaveLength(1);
    const root = roots[0] as Alert;
    expect(root).toMatchObject({
      rule: 'uplink-down',
      severity: 'critical',
      node: 'xichuan-gw',
      suppressedBy: null,
      status: 'firing',
    });
    expect([...root.impacted].sort()).toEqual(['xichuan-mcu', 'xichuan-sw']);
    expect(root.summary).toBe('淅川县政府内网路由器 上联链路中断，影响 2 个下级节点');
    expect(root.labels).toMatchObject({
      node: 'xichuan-gw',
      tier: 'county',
      zone: 'internal',
      rule: 'uplink-down',
      severity: 'critical',
    });
    expect(root.labels.path).toBe('南阳市电子政务内网核心路由器 / 淅川县政府内网路由器');
    expect(root.params).toMatchObject({ nodeName: '淅川县政府内网路由器', impacted: 2 });

    const suppressed = all(h).filter((a) => a.suppressedBy !== null);
    expect(suppressed.map((a) => a.node).sort()).toEqual(['xichuan-mcu', 'xichuan-sw']);
    expect(suppressed.every((a) => a.suppressedBy === root.id)).toBe(true);
    // Only the root cause is notified.
    expect(h.engine.outbox().map((row) => row.alertId)).toEqual([root.id]);
  });

  it('uplink evidence from the parent opens the root cause at once, without waiting for the settle window', async () => {
    h = await harness();
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    expect(visible(h).map((a) => a.rule)).toEqual(['uplink-down']);
  });

  it('children that fire first are folded under the root cause when it appears', async () => {
    h = await harness();
    unreachable(h, 'xichuan-mcu');
    h.engine.tick();
    expect(all(h)).toHaveLength(0); // settling
    h.clock.advance(4_000);
    h.engine.tick();
    const early = visible(h);
    expect(early.map((a) => a.node)).toEqual(['xichuan-mcu']);

    unreachable(h, 'xichuan-sw');
    unreachable(h, 'xichuan-gw');
    h.clock.advance(4_000);
    h.engine.tick();
    const roots = visible(h);
    expect(roots).toHaveLength(1);
    const root = roots[0] as Alert;
    expect(root).toMatchObject({ rule: 'node-unreachable', node: 'xichuan-gw', severity: 'critical' });
    expect(root.summary).toBe('淅川县政府内网路由器 无法访问，影响 2 个下级节点');
    const folded = h.engine.get(early[0]?.id ?? '');
    expect(folded).toMatchObject({ status: 'firing', suppressedBy: root.id, impacted: [] });

    // The uplink evidence arrives later: the same alert is refined, not a second one.
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    expect(visible(h).map((a) => [a.id, a.rule])).toEqual([[root.id, 'uplink-down']]);
  });

  it('a parent that answered after the child went dark releases the child as a root cause early', async () => {
    h = await harness();
    unreachable(h, 'xichuan-mcu');
    h.clock.advance(500);
    h.bus.publish({ type: 'samples', node: 'xichuan-sw' as never, timeMs: h.clock.nowMs, points: [] });
    h.engine.tick();
    expect(visible(h).map((a) => a.node)).toEqual(['xichuan-mcu']);
  });

  it('trap and poll evidence for the same fault merge into one alert', async () => {
    h = await harness();
    linkTrap(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'linkDown');
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down', 'poll');
    unreachable(h, 'xichuan-gw');
    h.engine.tick();
    const alerts = all(h);
    expect(alerts).toHaveLength(1);
    const sources = new Set(alerts[0]?.evidence.map((e) => e.source));
    expect(sources).toEqual(new Set(['trap', 'poll']));
    expect(alerts[0]?.repeats).toBeGreaterThanOrEqual(1);
  });

  it('lists each piece of evidence once: the trap is not repeated by the root cause’s own evidence', async () => {
    h = await harness();
    // One linkDown trap reaches the engine twice: as the trap and as the state change it reports.
    linkTrap(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'linkDown');
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down', 'trap');
    unreachable(h, 'xichuan-gw');
    h.clock.advance(5_000);
    h.engine.tick();
    const root = all(h)[0] as Alert;
    const keys = root.evidence.map((e) => `${e.atMs}|${e.source}|${e.text}`);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(keys.length);
    expect(root.evidence.filter((e) => e.source === 'trap')).toHaveLength(1);
    expect(root.kind).toBe(root.rule);
    expect(root.evidence.every((e) => e.kind !== undefined)).toBe(true);
  });

  it('clearing the uplink resolves the root cause and the children do not fire', async () => {
    h = await harness();
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) unreachable(h, node);
    h.clock.advance(5_000);
    h.engine.tick();
    const root = visible(h)[0] as Alert;

    h.clock.advance(60_000);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.engine.tick();
    expect(h.engine.get(root.id)?.status).toBe('resolved');
    expect(visible(h)).toEqual([]);
    // The collector polls them again over the next interval.
    for (const node of shuffled(['xichuan-mcu', 'xichuan-gw', 'xichuan-sw'])) {
      h.clock.advance(10_000);
      reachable(h, node);
      h.engine.tick();
      expect(visible(h)).toEqual([]);
    }
    expect(all(h)).toEqual([]);
    const opened = h.published.filter((e) => e.type === 'alert' && e.change === 'opened');
    expect(opened.filter((e) => e.type === 'alert' && e.alert.suppressedBy === null)).toHaveLength(1);
  });

  it('after the cause clears, a child that is still broken fires as its own root cause', async () => {
    h = await harness();
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) unreachable(h, node);
    h.engine.tick();
    h.clock.advance(60_000);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.clock.advance(5_000);
    reachable(h, 'xichuan-gw');
    reachable(h, 'xichuan-sw');
    h.engine.tick();
    expect(visible(h)).toEqual([]);
    // The collector's next poll of xichuan-mcu fails: it is really broken, and fires at once.
    h.clock.advance(30_000);
    h.bus.publish({
      type: 'samples',
      node: 'xichuan-mcu' as never,
      timeMs: h.clock.nowMs,
      points: [
        {
          measurement: 'node',
          tags: { node: 'xichuan-mcu' },
          fields: { reachable: 0, pollMs: 400 },
          timeMs: h.clock.nowMs,
        },
      ],
    });
    h.engine.tick();
    const roots = visible(h);
    expect(roots.map((a) => [a.node, a.rule, a.impacted.length])).toEqual([
      ['xichuan-mcu', 'node-unreachable', 0],
    ]);
  });

  it('a node behind a cleared cause that the collector says nothing about fires after four poll intervals', async () => {
    h = await harness();
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) unreachable(h, node);
    h.engine.tick();
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    reachable(h, 'xichuan-gw');
    reachable(h, 'xichuan-sw');
    h.engine.tick();
    // A failed poll that was already in flight when the link came back proves nothing.
    h.bus.publish({
      type: 'samples',
      node: 'xichuan-mcu' as never,
      timeMs: h.clock.nowMs + 300,
      points: [
        {
          measurement: 'node',
          tags: { node: 'xichuan-mcu' },
          fields: { reachable: 0, pollMs: 400 },
          timeMs: h.clock.nowMs + 300,
        },
      ],
    });
    h.clock.advance(100_000);
    h.engine.tick();
    expect(visible(h)).toEqual([]);
    h.clock.advance(30_000); // 4 × 30 s + the settle window
    h.engine.tick();
    // (xichuan-gw answered but sent no data since: that is a stale-data warning, not an outage.)
    expect(visible(h).map((a) => [a.rule, a.node])).toEqual([
      ['node-unreachable', 'xichuan-mcu'],
      ['data-stale', 'xichuan-gw'],
    ]);
  });

  it('a node that is simply down (no uplink evidence) is the root cause after the settle window', async () => {
    h = await harness({ correlationWindowMs: 2_000 });
    unreachable(h, 'dept-07');
    h.engine.tick();
    expect(visible(h)).toEqual([]);
    h.clock.advance(2_000);
    h.engine.tick();
    expect(visible(h).map((a) => [a.node, a.rule, a.summary])).toEqual([
      ['dept-07', 'node-unreachable', '市委宣传部接入路由器 无法访问'],
    ]);
  });

  it('stale data behind a cut is suppressed, and the freshness clock restarts when the cause clears', async () => {
    h = await harness();
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu'])
      h.bus.publish({ type: 'samples', node: node as never, timeMs: h.clock.nowMs, points: [] });
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) unreachable(h, node);
    h.engine.tick();
    h.clock.advance(5 * 60_000);
    h.engine.tick();
    expect(visible(h).map((a) => a.rule)).toEqual(['uplink-down']);
    // Behind the cut only: the root node's own outage already says its data stopped (never folded
    // under itself).
    const stale = all(h).filter((a) => a.rule === 'data-stale');
    expect(stale.map((a) => a.node).sort()).toEqual(['xichuan-mcu', 'xichuan-sw']);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.engine.tick();
    h.clock.advance(20_000);
    h.engine.tick();
    expect(visible(h)).toEqual([]);
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) {
      reachable(h, node);
      h.bus.publish({ type: 'samples', node: node as never, timeMs: h.clock.nowMs, points: [] });
    }
    h.engine.tick();
    expect(all(h)).toEqual([]);
  });

  it('stale data on a node that then becomes the root cause is resolved, never folded under its own outage', async () => {
    h = await harness({ correlationWindowMs: 0 });
    h.bus.publish({ type: 'samples', node: 'xichuan-gw' as never, timeMs: h.clock.nowMs, points: [] });
    h.clock.advance(5 * 60_000);
    h.engine.tick();
    expect(visible(h).map((a) => [a.rule, a.node])).toEqual([['data-stale', 'xichuan-gw']]);
    unreachable(h, 'xichuan-gw');
    h.engine.tick();
    const root = visible(h).find((a) => a.node === 'xichuan-gw');
    expect(root?.rule).toBe('node-unreachable');
    expect(visible(h).map((a) => a.rule)).toEqual(['node-unreachable']);
    expect(all(h).filter((a) => a.node === 'xichuan-gw' && a.suppressedBy === root?.id)).toEqual([]);
    h.clock.advance(5 * 60_000);
    h.engine.tick();
    expect(
      all(h)
        .filter((a) => a.node === 'xichuan-gw')
        .map((a) => a.rule),
    ).toEqual(['node-unreachable']);
  });

  it("an engine that missed the collector's state events learns them from poll outcomes in the samples", async () => {
    h = await harness();
    const failedPoll = (node: string) =>
      h.bus.publish({
        type: 'samples',
        node: node as never,
        timeMs: h.clock.nowMs,
        points: [
          {
            measurement: 'node',
            tags: { node },
            fields: { reachable: 0, pollMs: 1000 },
            timeMs: h.clock.nowMs,
          },
        ],
      });
    for (let poll = 0; poll < 5; poll++) {
      failedPoll('dept-07');
      h.clock.advance(60_000);
      h.engine.tick();
    }
    expect(visible(h).map((a) => [a.rule, a.node])).toEqual([['node-unreachable', 'dept-07']]);
    h.bus.publish({
      type: 'samples',
      node: 'dept-07' as never,
      timeMs: h.clock.nowMs,
      points: [
        {
          measurement: 'node',
          tags: { node: 'dept-07' },
          fields: { reachable: 1, cpuPct: 3 },
          timeMs: h.clock.nowMs,
        },
      ],
    });
    h.engine.tick();
    expect(all(h)).toEqual([]);
  });

  it('an uplink already down at the first poll (no state change to report) is known from the samples', async () => {
    h = await harness();
    sample(h, 'ny-core', 'interface', { ifIndex: '9', ifName: 'GE0/0/8' }, { operUp: 0, inBps: 0 });
    h.engine.tick();
    expect(visible(h).map((a) => [a.rule, a.node])).toEqual([['uplink-down', 'xichuan-gw']]);
    sample(h, 'ny-core', 'interface', { ifIndex: '9', ifName: 'GE0/0/8' }, { operUp: 1, inBps: 1000 });
    h.engine.tick();
    expect(visible(h)).toEqual([]);
  });
});
