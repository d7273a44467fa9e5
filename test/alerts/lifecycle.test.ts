import { afterEach, describe, expect, it } from 'vitest';
import { startAlertEngine, type AlertEngineOptions } from '../../alerts/index';
import { type Alert } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { harness, ifState, n, reachable, sample, unreachable, XICHUAN_UPLINK, type Harness } from './support';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

const NOTIFY: Partial<AlertEngineOptions> = {
  notifications: {
    receivers: [
      { name: 'noc', type: 'webhook', url: 'http://127.0.0.1:9/noc', timeout: 1000 },
      { name: 'leaders', type: 'wecom', url: 'http://127.0.0.1:9/leaders', timeout: 1000 },
    ],
    routes: [{ receiver: 'noc', matchers: [] }],
    escalationReceivers: ['leaders'],
  },
  escalateAfterMin: 15,
};

function cutXichuan(h: Harness): Alert {
  ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
  for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) unreachable(h, node);
  h.engine.tick();
  const root = h.engine.list()[0];
  if (!root) throw new Error('no root-cause alert');
  return root;
}

describe('alert lifecycle', () => {
  it('acknowledge and unacknowledge carry who and why; expected failures are values', async () => {
    h = await harness();
    const root = cutXichuan(h);
    expect(h.engine.ack(root.id, 'zhang.wei', '已通知广电线路班组')).toMatchObject({
      ok: true,
      alert: { status: 'acknowledged', ack: { by: 'zhang.wei', comment: '已通知广电线路班组' } },
    });
    expect(h.engine.ack(root.id, 'li.na', '')).toMatchObject({ ok: false, reason: 'already-acknowledged' });
    expect(h.engine.unack(root.id, 'li.na', '误确认')).toMatchObject({
      ok: true,
      alert: { status: 'firing', ack: null },
    });
    expect(h.engine.unack(root.id, 'li.na', '')).toMatchObject({ ok: false, reason: 'not-acknowledged' });
    expect(h.engine.ack('no-such-id', 'li.na', '')).toMatchObject({ ok: false, reason: 'not-found' });
    const actors = h.published.flatMap((e) =>
      e.type === 'alert' && e.alert.id === root.id ? [e.actor] : [],
    );
    expect(actors[0]).toBe('engine');
    expect(actors.filter((actor) => actor !== 'engine')).toEqual(['zhang.wei', 'li.na']);
    expect(h.engine.acks(root.id).map((a) => [a.action, a.actor])).toEqual([
      ['ack', 'zhang.wei'],
      ['unack', 'li.na'],
    ]);

    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.engine.tick();
    expect(h.engine.ack(root.id, 'li.na', '')).toMatchObject({ ok: false, reason: 'resolved' });
  });

  it('a new trigger after resolve is a new alert; a repeat while open is counted', async () => {
    h = await harness();
    const first = cutXichuan(h);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down', 'trap');
    h.engine.tick();
    expect(h.engine.get(first.id)?.repeats).toBeGreaterThanOrEqual(1);
    h.clock.advance(60_000);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) reachable(h, node);
    h.engine.tick();
    h.clock.advance(60_000);
    const second = cutXichuan(h);
    expect(second.id).not.toBe(first.id);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(
      h.engine.history({ fromMs: 0, toMs: h.clock.nowMs }).filter((a) => a.fingerprint === first.fingerprint),
    ).toHaveLength(2);
  });

  it('a port flapping 20 times opens one flapping alert, not twenty', async () => {
    h = await harness();
    for (let i = 0; i < 20; i++) {
      ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, i % 2 === 0 ? 'down' : 'up');
      h.engine.tick();
      h.clock.advance(5_000);
    }
    const everything = h.engine.history({ fromMs: 0, toMs: h.clock.nowMs });
    const flapping = everything.filter((a) => a.rule === 'interface-flapping');
    expect(flapping).toHaveLength(1);
    expect(flapping[0]).toMatchObject({ status: 'firing', node: 'ny-core', labels: { ifName: 'GE0/0/8' } });
    expect(flapping[0]?.params.transitions).toBe(20);
    // Before the damping kicked in a few downs opened an uplink alert; after it, none.
    const uplinks = everything.filter((a) => a.rule === 'uplink-down');
    expect(uplinks.length).toBeLessThanOrEqual(3);
    expect(h.engine.list().map((a) => a.rule)).toEqual(['interface-flapping']);

    // An unlinked LAN port flapping: only the flapping alert.
    for (let i = 0; i < 20; i++) {
      ifState(h, 'xichuan-sw', 'GigabitEthernet1/0/10', i % 2 === 0 ? 'down' : 'up');
      h.clock.advance(3_000);
    }
    h.engine.tick();
    expect(
      h.engine
        .list()
        .filter((a) => a.node === 'xichuan-sw')
        .map((a) => a.rule),
    ).toEqual(['interface-flapping']);

    // Quiet for the whole window: the flapping ends; the port is up, so nothing else opens.
    h.clock.advance(11 * 60_000);
    h.engine.tick();
    expect(h.engine.list()).toEqual([]);
  });

  it('an unacknowledged critical alert escalates once; an acknowledged one does not', async () => {
    h = await harness(NOTIFY);
    const root = cutXichuan(h);
    unreachable(h, 'dept-07');
    h.clock.advance(5_000);
    h.engine.tick();
    const dept = h.engine.list().find((a) => a.node === 'dept-07');
    expect(dept).toBeDefined();
    h.engine.ack(dept?.id ?? '', 'wang.fang', '正在处理');
    h.clock.advance(14 * 60_000);
    h.engine.tick();
    expect(h.engine.get(root.id)?.escalatedAtMs).toBeNull();
    h.clock.advance(60_000);
    h.engine.tick();
    h.clock.advance(60_000);
    h.engine.tick();
    expect(h.engine.get(root.id)?.escalatedAtMs).not.toBeNull();
    expect(h.engine.get(dept?.id ?? '')?.escalatedAtMs).toBeNull();
    const rows = h.engine.outbox();
    expect(rows.filter((r) => r.kind === 'escalated').map((r) => [r.alertId, r.receiver])).toEqual([
      [root.id, 'leaders'],
    ]);
    const body = JSON.parse(rows.find((r) => r.kind === 'escalated')?.payload ?? '{}') as {
      msgtype: string;
      markdown: { content: string };
    };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('升级');
    expect(body.markdown.content).toContain('淅川县政府内网路由器 上联链路中断');
  });

  it('a silence stops notification and escalation; when it ends the alert is notified', async () => {
    h = await harness(NOTIFY);
    const created = h.engine.silences.create(
      {
        matchers: [{ label: 'path', value: '.*淅川县.*', regex: true }],
        startsAtMs: h.clock.nowMs,
        endsAtMs: h.clock.nowMs + 3_600_000,
        reason: '广电线路割接',
      },
      'zhang.wei',
    );
    if (!created.ok) throw new Error(created.message);
    const root = cutXichuan(h);
    expect(root.silencedBy).toEqual([created.silence.id]);
    h.clock.advance(30 * 60_000);
    h.engine.tick();
    expect(h.engine.get(root.id)?.escalatedAtMs).toBeNull();
    expect(h.engine.outbox()).toEqual([]);

    expect(
      h.engine.silences.create({ matchers: [], startsAtMs: 0, endsAtMs: 1, reason: 'x' }, 'a'),
    ).toMatchObject({ ok: false, reason: 'invalid' });
    expect(h.engine.silences.delete('nope', 'a')).toMatchObject({ ok: false, reason: 'not-found' });
    const deleted = h.engine.silences.delete(created.silence.id, 'li.na');
    expect(deleted.ok).toBe(true);
    expect(h.engine.get(root.id)?.silencedBy).toEqual([]);
    const lastEvent = h.published.at(-1);
    expect(lastEvent?.type === 'alert' && lastEvent.actor).toBe('li.na');
    expect(h.engine.outbox().map((r) => [r.alertId, r.kind, r.receiver])).toEqual([
      [root.id, 'firing', 'noc'],
    ]);
  });

  it('a weekly maintenance window mutes only inside its slot', async () => {
    h = await harness(NOTIFY);
    // Thursdays 09:00–11:00 China time; T0 is Thursday 10:00.
    const window = h.engine.silences.create(
      {
        matchers: [{ label: 'node', value: 'dept-07' }],
        startsAtMs: 0,
        endsAtMs: h.clock.nowMs + 30 * 86_400_000,
        reason: '每周四例行维护',
        recurrence: { days: ['thu'], from: '09:00', to: '11:00' },
      },
      'zhang.wei',
    );
    expect(window.ok).toBe(true);
    unreachable(h, 'dept-07');
    h.clock.advance(5_000);
    h.engine.tick();
    const alert = h.engine.list()[0];
    expect(alert?.silencedBy).toHaveLength(1);
    expect(h.engine.outbox()).toEqual([]);
    h.clock.advance(60 * 60_000); // 11:00: the window closed
    h.engine.tick();
    expect(h.engine.get(alert?.id ?? '')?.silencedBy).toEqual([]);
    expect(h.engine.outbox().map((r) => r.kind)).toEqual(['firing']);
  });

  it('a restarted engine keeps acknowledgements and open alerts and does not re-notify', async () => {
    h = await harness(NOTIFY);
    const root = cutXichuan(h);
    h.engine.ack(root.id, 'zhang.wei', '已派单');
    const outboxBefore = h.engine.outbox().length;
    const seqBefore = h.engine.currentSeq();
    await h.restart();
    expect(h.engine.get(root.id)).toMatchObject({
      status: 'acknowledged',
      ack: { by: 'zhang.wei', comment: '已派单' },
    });
    expect(h.engine.currentSeq()).toBe(seqBefore);
    // The collector re-announces what it sees after its own restart: same alerts, no new notification.
    cutXichuan(h);
    h.clock.advance(20 * 60_000);
    h.engine.tick();
    expect(h.engine.list().map((a) => a.id)).toEqual([root.id]);
    expect(h.engine.outbox()).toHaveLength(outboxBefore);
    // And the restored conditions still resolve it when the link comes back.
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.engine.tick();
    expect(h.engine.get(root.id)?.status).toBe('resolved');
    expect(
      h.engine
        .outbox()
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['firing', 'resolved']);
  });

  it('a killed engine (never stopped) loses nothing: the next one keeps acks, open alerts and the outbox', async () => {
    h = await harness(NOTIFY);
    const root = cutXichuan(h);
    h.engine.ack(root.id, 'zhang.wei', '已派单');
    const outbox = h.engine.outbox();
    const killed = h.engine;
    // No stop(): the process died. A new engine opens the same SQLite file.
    h.engine = await startAlertEngine({
      topology: h.topology,
      bus: new InProcessBus(),
      dbPath: h.dbPath,
      clock: h.clock.now,
      autoTick: false,
      log: h.log,
      ...NOTIFY,
    });
    expect(h.engine.get(root.id)).toMatchObject({ status: 'acknowledged', ack: { by: 'zhang.wei' } });
    expect(h.engine.outbox()).toEqual(outbox);
    h.clock.advance(30 * 60_000);
    h.engine.tick();
    expect(h.engine.outbox()).toEqual(outbox);
    await killed.stop();
  });

  it('every change has the next seq; eventsSince resumes from memory and, after a restart, from SQLite', async () => {
    h = await harness({ ringSize: 4 });
    cutXichuan(h);
    const seqs = h.published.flatMap((e) => (e.type === 'alert' ? [e.seq] : []));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const since = h.engine.eventsSince(1);
    expect(since !== 'too-old' && since.map((e) => e.seq)).toEqual(seqs.slice(1));
    await h.restart({ ringSize: 4, maxResumeEvents: 100 });
    const after = h.engine.eventsSince(0);
    expect(after !== 'too-old' && after.map((e) => e.seq)).toEqual(seqs);
    expect(h.engine.eventsSince(h.engine.currentSeq())).toEqual([]);
    await h.restart({ maxResumeEvents: 1 });
    expect(h.engine.eventsSince(0)).toBe('too-old');
  });

  it('list filters by scope, severity, zone, text; history covers resolved alerts', async () => {
    h = await harness();
    const root = cutXichuan(h);
    unreachable(h, 'dept-07');
    h.clock.advance(5_000);
    h.engine.tick();
    expect(h.engine.list({ nodes: [n('xichuan-mcu')] }).map((a) => a.id)).toEqual([root.id]);
    expect(h.engine.list({ nodes: [n('xichuan-mcu')], includeSuppressed: true })).toHaveLength(2);
    expect(h.engine.list({ text: '宣传部' }).map((a) => a.node)).toEqual(['dept-07']);
    expect(h.engine.list({ tier: 'county' }).map((a) => a.node)).toEqual(['xichuan-gw']);
    expect(h.engine.list({ minSeverity: 'critical', rule: 'uplink-down' })).toHaveLength(1);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.engine.tick();
    expect(h.engine.list({ status: ['resolved'] }).map((a) => a.id)).toContain(root.id);
    expect(
      h.engine.history({ fromMs: 0, toMs: h.clock.nowMs, nodes: [n('xichuan-gw')] }).map((a) => a.id),
    ).toContain(root.id);
  });
});

describe('thresholds, video quality, freshness', () => {
  it('fires after `for`, clears only below the clear value (hysteresis)', async () => {
    h = await harness();
    const util = (v: number) =>
      sample(h, 'xichuan-gw', 'interface', { ifIndex: '1', ifName: 'GE0/0/0' }, { inUtilPct: v });
    util(95);
    h.clock.advance(4 * 60_000);
    util(96);
    expect(h.engine.list()).toEqual([]);
    h.clock.advance(60_000);
    util(97);
    const alert = h.engine.list()[0];
    expect(alert).toMatchObject({
      rule: 'interface-util-high',
      severity: 'major',
      node: 'xichuan-gw',
      labels: { ifName: 'GE0/0/0', link: expect.any(String) as string },
    });
    expect(alert?.summary).toBe('淅川县政府内网路由器 接口 GE0/0/0 入向利用率 97% 超过 90%');
    h.clock.advance(60_000);
    util(85); // below 90 but above the clear value 80: still open
    expect(h.engine.list()).toHaveLength(1);
    util(79);
    expect(h.engine.list()).toEqual([]);
  });

  it('video quality thresholds are stricter while a meeting is scheduled on the link', async () => {
    h = await harness();
    const mos = (v: number) =>
      sample(h, 'ny-mcu', 'video', { link: 'vc-ny-xichuan', peer: 'xichuan-mcu', probe: 'ping' }, { mos: v });
    mos(3.9); // Thursday 10:00: no meeting on this link, 3.9 ≥ 3.6 is fine
    h.clock.advance(2 * 60_000);
    mos(3.9);
    expect(h.engine.list()).toEqual([]);
    h.clock.nowMs = Date.parse('2026-11-25T07:10:00Z'); // Wednesday 15:10: 防汛调度视频会
    mos(3.9);
    h.clock.advance(2 * 60_000);
    mos(3.9);
    const alert = h.engine.list()[0];
    expect(alert).toMatchObject({
      rule: 'video-mos-low',
      params: { threshold: 4, meeting: '防汛调度视频会' },
      labels: { peer: 'xichuan-mcu' },
    });
    expect(alert?.summary).toContain('南阳市—淅川县视频会议链路 通话质量 MOS 3.9 低于 4');
  });

  it('a video alert towards a cut-off county is suppressed under the root cause', async () => {
    h = await harness();
    const root = cutXichuan(h);
    sample(
      h,
      'ny-mcu',
      'video',
      { link: 'vc-ny-xichuan', peer: 'xichuan-mcu', probe: 'ping' },
      { lossPct: 100 },
    );
    h.clock.advance(2 * 60_000);
    sample(
      h,
      'ny-mcu',
      'video',
      { link: 'vc-ny-xichuan', peer: 'xichuan-mcu', probe: 'ping' },
      { lossPct: 100 },
    );
    expect(h.engine.list().map((a) => a.id)).toEqual([root.id]);
    expect(
      h.engine.list({ includeSuppressed: true }).find((a) => a.rule === 'video-loss-high')?.suppressedBy,
    ).toBe(root.id);
  });

  it('data older than two poll intervals opens a stale alert; new data resolves it', async () => {
    h = await harness();
    sample(h, 'dept-07', 'node', {}, { cpuPct: 10, reachable: 1 });
    h.clock.advance(119_000);
    h.engine.tick();
    expect(h.engine.list()).toEqual([]);
    h.clock.advance(6_000);
    h.engine.tick();
    expect(h.engine.list().map((a) => [a.rule, a.node])).toEqual([['data-stale', 'dept-07']]);
    expect(h.engine.list()[0]?.summary).toContain('监测数据已过期');
    sample(h, 'dept-07', 'node', {}, { cpuPct: 10, reachable: 1 });
    expect(h.engine.list()).toEqual([]);
  });

  it('collector health and certificate expiry become alerts', async () => {
    h = await harness();
    const health = (storeUp: boolean) =>
      h.bus.publish({
        type: 'collector.health',
        collector: 'ny-collector',
        timeMs: h.clock.nowMs,
        pollsPs: 10,
        timeoutsPs: 0,
        queueLagMs: 0,
        spoolPoints: 100,
        droppedPoints: 0,
        storeUp,
      });
    health(false);
    h.clock.advance(31_000);
    health(false);
    expect(h.engine.list().map((a) => [a.rule, a.severity, a.labels.collector])).toEqual([
      ['collector-store-down', 'critical', 'ny-collector'],
    ]);
    health(true);
    expect(h.engine.list()).toEqual([]);

    h.bus.publish({
      type: 'certificate.expiry',
      node: n('xichuan-gw'),
      timeMs: h.clock.nowMs,
      serial: '1a2b',
      subject: 'CN=xichuan-gw.nanyang.gov.cn',
      notAfterMs: h.clock.nowMs + 5 * 86_400_000,
      daysLeft: 5,
    });
    expect(h.engine.list().map((a) => [a.rule, a.severity, a.summary])).toEqual([
      ['certificate-expiry', 'major', '证书 CN=xichuan-gw.nanyang.gov.cn 将在 5 天后过期'],
    ]);
  });
});

describe('topology drift', () => {
  it('LLDP disagreeing with the inventory opens one info alert per node until it agrees again', async () => {
    h = await harness();
    const drift = (unknown: number) =>
      h.bus.publish({
        type: 'topology.drift',
        node: n('xichuan-gw'),
        timeMs: h.clock.nowMs,
        unknownNeighbours: Array.from({ length: unknown }, (_, i) => ({
          localIfName: `GE0/0/${10 + i}`,
          remoteSysName: 'unknown-sw',
          remotePort: 'Gi0/1',
        })),
        missingLinks: [],
      });
    drift(1);
    drift(1);
    expect(h.engine.list().map((a) => [a.rule, a.severity, a.summary])).toEqual([
      [
        'topology-drift',
        'info',
        '淅川县政府内网路由器 实际连接与台账不符：1 个未登记邻居，0 条登记链路未发现',
      ],
    ]);
    drift(0);
    expect(h.engine.list()).toEqual([]);
  });
});

describe('collector silence', () => {
  it('a collector that stops reporting is one critical alert; the stale data it causes goes under it', async () => {
    h = await harness();
    const health = () =>
      h.bus.publish({
        type: 'collector.health',
        collector: 'ny-collector',
        timeMs: h.clock.nowMs,
        pollsPs: 2,
        timeoutsPs: 0,
        queueLagMs: 0,
        spoolPoints: 0,
        droppedPoints: 0,
        storeUp: true,
      });
    health();
    for (const node of ['dept-01', 'dept-02', 'xichuan-gw'])
      sample(h, node, 'node', {}, { cpuPct: 5, reachable: 1 });
    h.clock.advance(4 * 60_000);
    h.engine.tick();
    const visible = h.engine.list();
    expect(visible.map((a) => [a.rule, a.severity, a.labels.collector])).toEqual([
      ['collector-silent', 'critical', 'ny-collector'],
    ]);
    const stale = h.engine.list({ includeSuppressed: true }).filter((a) => a.rule === 'data-stale');
    expect(stale).toHaveLength(3);
    expect(stale.every((a) => a.suppressedBy === visible[0]?.id)).toBe(true);
    // It comes back and the nodes report again: everything closes, nothing else fires.
    health();
    for (const node of ['dept-01', 'dept-02', 'xichuan-gw'])
      sample(h, node, 'node', {}, { cpuPct: 5, reachable: 1 });
    h.engine.tick();
    expect(h.engine.list({ includeSuppressed: true })).toEqual([]);
  });
});
