import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityCategory } from '../../domain';
import { harness, type Harness } from './support';
import { after, alertsOf, logLine, rulesWith } from './security-support';

let h: Harness;
afterEach(() => h.cleanup());

const RULE = 'security-burst';
function burst(h: Harness, node: string, category: SecurityCategory, count: number, gapMs = 100): void {
  for (let i = 0; i < count; i++) {
    h.clock.advance(gapMs);
    logLine(h, node, category, { sourceAddress: `198.51.100.${i % 200}` });
  }
}

describe('security-burst: a burst of firewall denies or attack logs on one node', () => {
  it('100 policy denies within a minute raise a minor alert; 99 do not', async () => {
    h = await harness();
    burst(h, 'ny-fw', 'policy-deny', 99);
    expect(alertsOf(h, RULE)).toEqual([]);
    burst(h, 'ny-fw', 'policy-deny', 1);
    expect(alertsOf(h, RULE)).toMatchObject([
      { node: 'ny-fw', severity: 'minor', params: { denies: 100, attacks: 0 } },
    ]);
    expect(alertsOf(h, RULE)[0]?.evidence[0]?.text).toContain('策略拒绝 100 条');
  });

  it('attacks are worse: ten attack logs raise a major alert, and a deny burst turning into an attack rises at once', async () => {
    h = await harness();
    burst(h, 'ny-fw', 'attack', 10);
    burst(h, 'ny-core', 'policy-deny', 100, 10);
    burst(h, 'ny-core', 'attack', 10, 10);
    const byNode = new Map(alertsOf(h, RULE).map((a) => [a.node as string, a]));
    expect(byNode.get('ny-fw')).toMatchObject({ severity: 'major', params: { attacks: 10 } });
    expect(byNode.get('ny-core')).toMatchObject({
      severity: 'major',
      labels: { severity: 'major' },
      params: { denies: 100, attacks: 10 },
    });
  });

  it('denies spread over more than the window never add up to a burst', async () => {
    h = await harness();
    burst(h, 'ny-fw', 'policy-deny', 300, 1_000);
    expect(alertsOf(h, RULE)).toEqual([]);
  });

  it('a flood keeps exact counts in few alert changes, and resolves ten minutes after it ends', async () => {
    h = await harness();
    burst(h, 'ny-fw', 'policy-deny', 50_000, 1);
    const changes = h.published.filter((e) => e.type === 'alert' && e.alert.rule === RULE);
    expect(changes.length).toBeLessThanOrEqual(6);
    after(h, 10_000);
    expect(alertsOf(h, RULE)[0]?.params.denies).toBe(50_000);
    // A trickle below the threshold after the burst does not hold it open.
    for (let minute = 0; minute < 9; minute++) {
      after(h, 60_000);
      logLine(h, 'ny-fw', 'policy-deny');
    }
    expect(alertsOf(h, RULE)).toHaveLength(1);
    after(h, 60_000);
    expect(alertsOf(h, RULE)).toEqual([]);
  });

  it('counts up to a high threshold exactly, line by line', async () => {
    h = await harness({
      rules: rulesWith(`  - id: security-burst
    kind: security-burst
    within: 10m
    deny: { count: 100000, severity: minor }
    attack: { count: 100000, severity: major }`),
    });
    burst(h, 'ny-fw', 'policy-deny', 99_999, 1);
    expect(alertsOf(h, RULE)).toEqual([]);
    burst(h, 'ny-fw', 'policy-deny', 50_001, 1);
    after(h, 10_000);
    expect(alertsOf(h, RULE)).toMatchObject([{ severity: 'minor', params: { denies: 150_000 } }]);
  });
});
