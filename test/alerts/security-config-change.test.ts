import { afterEach, describe, expect, it } from 'vitest';
import type { SilenceInput } from '../../alerts/index';
import { harness, T0, type Harness } from './support';
import { after, alertsOf, logLine } from './security-support';

let h: Harness;
afterEach(() => h.cleanup());

const RULE = 'config-change-outside-window';
const change = (h: Harness, node: string, user = 'admin') =>
  logLine(h, node, 'config-change', { user, sourceAddress: '10.41.0.50', messageId: 'CFG/4/CFG_CHANGE' });

/** A weekly maintenance window on Thursdays 09:00–12:00 China time (T0 is Thursday 10:00) for these matchers. */
function thursdayWindow(matchers: SilenceInput['matchers']): SilenceInput {
  return {
    matchers,
    startsAtMs: T0 - 86_400_000,
    endsAtMs: T0 + 30 * 86_400_000,
    reason: '每周四上午例行维护',
    recurrence: { days: ['thu'], from: '09:00', to: '12:00' },
  };
}

describe('config-change-outside-window: a configuration change while no maintenance window covers the node', () => {
  it('alerts (major) naming the user when no window is open', async () => {
    h = await harness();
    change(h, 'nanzhao-gw', 'zhangsan');
    expect(alertsOf(h, RULE)).toMatchObject([
      {
        node: 'nanzhao-gw',
        severity: 'major',
        params: { users: 'zhangsan', count: 1 },
        summary: '南召县政府内网路由器 在维护窗口外发生 1 次配置变更（用户 zhangsan）',
      },
    ]);
  });

  it('stays quiet inside a weekly window covering the node, and alerts once the window closes', async () => {
    h = await harness();
    expect(
      h.engine.silences.create(thursdayWindow([{ label: 'node', value: 'nanzhao-gw' }]), 'alice').ok,
    ).toBe(true);
    change(h, 'nanzhao-gw');
    expect(alertsOf(h, RULE)).toEqual([]);
    after(h, 2 * 3_600_000 + 60_000); // 12:01, the window is over
    change(h, 'nanzhao-gw');
    expect(alertsOf(h, RULE)).toHaveLength(1);
  });

  it('a window for other nodes, or a one-off silence, does not make a change planned', async () => {
    h = await harness();
    h.engine.silences.create(thursdayWindow([{ label: 'node', value: 'fangcheng-gw' }]), 'alice');
    h.engine.silences.create(
      {
        matchers: [{ label: 'node', value: 'nanzhao-gw' }],
        startsAtMs: T0 - 60_000,
        endsAtMs: T0 + 3_600_000,
        reason: '临时静默',
      },
      'alice',
    );
    change(h, 'nanzhao-gw');
    change(h, 'fangcheng-gw');
    const alerts = alertsOf(h, RULE);
    expect(alerts.map((a) => a.node)).toEqual(['nanzhao-gw']);
    expect(alerts[0]?.silencedBy).toHaveLength(1);
  });

  it('a window matching by path (a whole county) covers every node in it', async () => {
    h = await harness();
    h.engine.silences.create(thursdayWindow([{ label: 'path', value: '.*南召县.*', regex: true }]), 'alice');
    change(h, 'nanzhao-gw');
    change(h, 'nanzhao-sw');
    change(h, 'fangcheng-gw');
    expect(alertsOf(h, RULE).map((a) => a.node)).toEqual(['fangcheng-gw']);
  });

  it('more changes update the one alert of the node with the count and the users', async () => {
    h = await harness();
    change(h, 'nanzhao-gw', 'zhangsan');
    after(h, 15_000);
    change(h, 'nanzhao-gw', 'lisi');
    expect(alertsOf(h, RULE)).toMatchObject([{ params: { count: 2, users: 'zhangsan, lisi' } }]);
  });
});
