import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TRACKED_SOURCES } from '../../alerts/kinds/brute-force';
import { harness, type Harness } from './support';
import { after, alertsOf, failedLogins, logLine, rulesWith, securityEvent } from './security-support';

let h: Harness;
afterEach(() => h.cleanup());

const ATTACKER = '203.0.113.7';
const changesOf = (h: Harness, rule: string) =>
  h.published.filter((event) => event.type === 'alert' && event.alert.rule === rule);

describe('brute-force: repeated login failures from one source on one node', () => {
  it('six failures from one address on a county router become one critical alert naming source, users and count', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', ATTACKER, 5);
    expect(alertsOf(h, 'brute-force')).toEqual([]);
    failedLogins(h, 'nanzhao-gw', ATTACKER, 1);
    const [alert, ...more] = alertsOf(h, 'brute-force');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      node: 'nanzhao-gw',
      severity: 'critical',
      status: 'firing',
      labels: { node: 'nanzhao-gw', source: ATTACKER, zone: 'internal' },
      params: { source: ATTACKER, count: 6, users: 'root, admin' },
    });
    expect(alert?.summary).toBe(
      '南召县政府内网路由器 疑似暴力破解：来自 203.0.113.7 的 6 次登录失败（尝试用户 root, admin）',
    );
    expect(alert?.nodePath).toEqual(['南阳市电子政务内网核心路由器', '南召县政府内网路由器']);
  });

  it('more failures update the same alert (count, users, last seen) instead of opening new ones', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', ATTACKER, 6);
    const first = alertsOf(h, 'brute-force')[0];
    after(h, 15_000);
    logLine(h, 'nanzhao-gw', 'auth-failure', { user: 'huawei', sourceAddress: ATTACKER });
    const [updated, ...more] = alertsOf(h, 'brute-force');
    expect(more).toEqual([]);
    expect(updated?.id).toBe(first?.id);
    expect(updated?.params).toMatchObject({ count: 7, users: 'admin, root, huawei' });
    expect(updated?.updatedAtMs).toBe(h.clock.nowMs);
    expect(updated?.evidence.at(-1)?.text).toContain('第 7 次登录失败，用户 huawei');
  });

  it('counts per source and per node, within the window only', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', '203.0.113.1', 3);
    failedLogins(h, 'nanzhao-gw', '203.0.113.2', 3);
    failedLogins(h, 'fangcheng-gw', '203.0.113.1', 3);
    // Ten failures a minute apart: never six within five minutes.
    failedLogins(h, 'wolong-gw', ATTACKER, 10, 61_000);
    expect(alertsOf(h, 'brute-force')).toEqual([]);
    failedLogins(h, 'wolong-gw', ATTACKER, 6, 100);
    expect(alertsOf(h, 'brute-force').map((a) => a.node)).toEqual(['wolong-gw']);
  });

  it('a flood of failures is a few alert changes, and the count stays exact', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', ATTACKER, 10_000, 1);
    expect(changesOf(h, 'brute-force').length).toBeLessThanOrEqual(3);
    after(h, 10_000);
    expect(alertsOf(h, 'brute-force')[0]?.params.count).toBe(10_000);
    expect(changesOf(h, 'brute-force').length).toBeLessThanOrEqual(4);
  });

  it('resolves after the quiet period; a new attack after that is a new alert', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', ATTACKER, 6);
    const first = alertsOf(h, 'brute-force')[0];
    after(h, 29 * 60_000);
    expect(alertsOf(h, 'brute-force')).toHaveLength(1);
    after(h, 60_000);
    expect(alertsOf(h, 'brute-force')).toEqual([]);
    expect(h.engine.get(first?.id ?? '')?.status).toBe('resolved');
    failedLogins(h, 'nanzhao-gw', ATTACKER, 6);
    const second = alertsOf(h, 'brute-force')[0];
    expect(second?.id).not.toBe(first?.id);
    expect(second?.params.count).toBe(6);
  });

  it('goes through the shared lifecycle: ack, silence and escalation', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', ATTACKER, 6);
    failedLogins(h, 'fangcheng-gw', ATTACKER, 6);
    const [onNanzhao] = alertsOf(h, 'brute-force').filter((a) => a.node === 'nanzhao-gw');
    const silenced = h.engine.silences.create(
      {
        matchers: [{ label: 'node', value: 'fangcheng-gw' }],
        startsAtMs: h.clock.nowMs,
        endsAtMs: h.clock.nowMs + 3_600_000,
        reason: '渗透测试',
      },
      'alice',
    );
    expect(silenced.ok).toBe(true);
    expect(h.engine.ack(onNanzhao?.id ?? '', 'bob', '已封禁来源').ok).toBe(true);
    after(h, 16 * 60_000);
    const byNode = new Map(alertsOf(h, 'brute-force').map((a) => [a.node, a]));
    expect(byNode.get('nanzhao-gw' as never)).toMatchObject({ status: 'acknowledged', escalatedAtMs: null });
    expect(byNode.get('fangcheng-gw' as never)?.silencedBy).toHaveLength(1);
    expect(byNode.get('fangcheng-gw' as never)?.escalatedAtMs).toBeNull();
    failedLogins(h, 'wolong-gw', ATTACKER, 6);
    after(h, 16 * 60_000);
    expect(alertsOf(h, 'brute-force').find((a) => a.node === 'wolong-gw')?.escalatedAtMs).toBe(h.clock.nowMs);
  });

  it('keeps counting on the same alert after an engine restart', async () => {
    h = await harness();
    failedLogins(h, 'nanzhao-gw', ATTACKER, 6);
    const id = alertsOf(h, 'brute-force')[0]?.id;
    await h.restart();
    after(h, 15_000);
    logLine(h, 'nanzhao-gw', 'auth-failure', { user: 'test', sourceAddress: ATTACKER });
    expect(alertsOf(h, 'brute-force')).toMatchObject([
      { id, params: { count: 7, users: 'admin, root, test' } },
    ]);
  });

  it('remembers at most maxSources sources per node, forgetting the least recently seen', async () => {
    h = await harness({
      rules: rulesWith('  - { id: brute-force, kind: brute-force, severity: critical, maxSources: 2 }'),
    });
    failedLogins(h, 'nanzhao-gw', ATTACKER, 5, 10);
    for (let i = 0; i < 3; i++) failedLogins(h, 'nanzhao-gw', `198.51.100.${i}`, 1);
    failedLogins(h, 'nanzhao-gw', ATTACKER, 1);
    expect(alertsOf(h, 'brute-force')).toEqual([]);
    failedLogins(h, 'nanzhao-gw', ATTACKER, 5, 10);
    expect(alertsOf(h, 'brute-force')).toHaveLength(1);
  });

  it('remembers at most 100,000 sources over all nodes, forgetting the least recently seen', async () => {
    h = await harness({
      rules: rulesWith('  - { id: brute-force, kind: brute-force, severity: critical, maxSources: 100000 }'),
    });
    failedLogins(h, 'nanzhao-gw', ATTACKER, 5, 10);
    for (let i = 0; i < MAX_TRACKED_SOURCES; i++)
      logLine(h, 'fangcheng-gw', 'auth-failure', { sourceAddress: `src-${i}` });
    failedLogins(h, 'nanzhao-gw', ATTACKER, 1);
    expect(alertsOf(h, 'brute-force')).toEqual([]);
  });

  it('ignores lines from senders the inventory does not know, and cuts long attacker-chosen names', async () => {
    h = await harness();
    for (let i = 0; i < 10; i++) logLine(h, null, 'auth-failure', { user: 'admin', sourceAddress: ATTACKER });
    expect(alertsOf(h, 'brute-force')).toEqual([]);
    for (let i = 0; i < 6; i++)
      logLine(h, 'nanzhao-gw', 'auth-failure', { user: 'x'.repeat(10_000), sourceAddress: ATTACKER });
    const alert = alertsOf(h, 'brute-force')[0];
    expect(String(alert?.params.users).length).toBeLessThanOrEqual(64);
    expect(alert?.summary.length).toBeLessThan(200);
  });

  it("counts by when the line arrived, not by the device's clock, and survives malformed fields on the bus", async () => {
    h = await harness();
    for (let i = 0; i < 6; i++) {
      h.clock.advance(1_000);
      const published = securityEvent('nanzhao-gw', 'auth-failure', h.clock.nowMs, {
        sourceAddress: ATTACKER,
      });
      // A device whose clock is years behind, each line a day apart by its own account.
      published.event.timeMs = Date.parse('2019-01-01T00:00:00Z') + i * 86_400_000;
      published.timeMs = published.event.timeMs;
      Object.assign(published.event, { user: 42, messageId: { nested: true } });
      expect(() => h.bus.publish(published)).not.toThrow();
    }
    expect(alertsOf(h, 'brute-force')).toMatchObject([
      { node: 'nanzhao-gw', params: { count: 6, users: '?' } },
    ]);
  });
});
