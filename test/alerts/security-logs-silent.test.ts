import { afterEach, describe, expect, it } from 'vitest';
import { harness, reachable, unreachable, type Harness } from './support';
import { after, alertsOf, logLine } from './security-support';

let h: Harness;
afterEach(() => h.cleanup());

const RULE = 'logs-silent';

describe('logs-silent: a node that sent logs and then stops', () => {
  it('warns after 30 minutes without a line, and resolves when logs return', async () => {
    h = await harness();
    logLine(h, 'nanzhao-gw', 'system');
    after(h, 29 * 60_000);
    expect(alertsOf(h, RULE)).toEqual([]);
    after(h, 60_000);
    const [alert] = alertsOf(h, RULE);
    expect(alert).toMatchObject({ node: 'nanzhao-gw', severity: 'warning', params: { silentMin: 30 } });
    expect(alert?.summary).toBe('南召县政府内网路由器 已 30 分钟未发送日志');
    logLine(h, 'nanzhao-gw', 'auth-success', { user: 'admin', sourceAddress: '10.41.0.50' });
    expect(alertsOf(h, RULE)).toEqual([]);
    expect(h.engine.get(alert?.id ?? '')).toMatchObject({ status: 'resolved' });
  });

  it('never judges a node that has not sent logs, or senders the inventory does not know', async () => {
    h = await harness();
    logLine(h, null, 'system');
    after(h, 2 * 3_600_000);
    expect(alertsOf(h, RULE)).toEqual([]);
  });

  it('is suppressed under an outage that explains it and judged afresh when the outage ends', async () => {
    h = await harness({ correlationWindowMs: 0 });
    logLine(h, 'nanzhao-gw', 'system');
    after(h, 10 * 60_000);
    unreachable(h, 'nanzhao-gw');
    after(h, 25 * 60_000);
    const hidden = h.engine.list({ includeSuppressed: true }).filter((a) => a.rule === RULE);
    expect(hidden).toHaveLength(1);
    expect(hidden[0]?.suppressedBy).not.toBeNull();
    expect(alertsOf(h, RULE)).toEqual([]);
    reachable(h, 'nanzhao-gw');
    after(h, 1_000);
    expect(h.engine.list({ includeSuppressed: true }).filter((a) => a.rule === RULE)).toEqual([]);
    after(h, 30 * 60_000);
    expect(alertsOf(h, RULE).map((a) => a.node)).toEqual(['nanzhao-gw']);
  });

  it('a restart neither forgets a node that went silent nor raises alerts for every node at once', async () => {
    h = await harness();
    logLine(h, 'nanzhao-gw', 'system');
    logLine(h, 'fangcheng-gw', 'system');
    after(h, 20 * 60_000);
    logLine(h, 'fangcheng-gw', 'system');
    await h.restart();
    after(h, 29 * 60_000);
    expect(alertsOf(h, RULE)).toEqual([]);
    logLine(h, 'fangcheng-gw', 'system');
    after(h, 60_000);
    expect(alertsOf(h, RULE).map((a) => a.node)).toEqual(['nanzhao-gw']);
  });
});
