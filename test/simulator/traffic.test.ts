import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import {
  SATURATED_SHARE,
  expectedCounters,
  expectedRateBps,
  linkStreams,
  octetsWithOverrides,
  streamOctets,
  streamRateBps,
  workdayProfile,
} from '../../simulator/traffic';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const { topology } = loaded;
const uplink = topology.uplinkOf(topology.find('wolong-gw')!.id)!;
const { ab } = linkStreams(topology, uplink);
// Wednesday 2026-11-25 10:00 and 03:00 in Asia/Shanghai
const WED_10 = Date.UTC(2026, 10, 25, 2, 0, 0);
const WED_03 = Date.UTC(2026, 10, 24, 19, 0, 0);
const SAT_10 = Date.UTC(2026, 10, 28, 2, 0, 0);

describe('traffic model', () => {
  it('follows a workday curve: busy mornings, quiet nights, light weekends', () => {
    expect(workdayProfile(WED_10)).toBeGreaterThan(0.8);
    expect(workdayProfile(WED_03)).toBeLessThan(0.1);
    expect(workdayProfile(SAT_10)).toBeLessThan(0.3);
  });

  it('stays within link capacity and never goes negative', () => {
    for (let t = WED_03; t < WED_03 + 7 * 86_400_000; t += 600_000) {
      const rate = streamRateBps(ab, t);
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThan(ab.capacityBps);
    }
  });

  it('integrates exactly: octets over an interval equal the integral of the rate', () => {
    const from = WED_10 - 3_600_000;
    const to = WED_10 + 2_700_000;
    let numeric = 0;
    const step = 1000;
    for (let t = from; t < to; t += step) numeric += (streamRateBps(ab, t + step / 2) / 8) * (step / 1000);
    expect(streamOctets(ab, from, to) / numeric).toBeCloseTo(1, 4);
    // additive over adjacent intervals, across a week boundary too
    const mid = from + 1_234_567;
    expect(streamOctets(ab, from, mid) + streamOctets(ab, mid, to)).toBeCloseTo(
      streamOctets(ab, from, to),
      0,
    );
    const monday = Date.UTC(2026, 10, 29, 16, 0, 0);
    expect(streamOctets(ab, monday - 5000, monday) + streamOctets(ab, monday, monday + 5000)).toBeCloseTo(
      streamOctets(ab, monday - 5000, monday + 5000),
      0,
    );
  });

  it('gives each interface counters a poller can turn into the expected rate', () => {
    const boot = WED_10 - 30 * 86_400_000;
    const ifIndex = topology
      .find('wolong-gw')!
      .interfaces.find((i) => i.name === uplink.b.interface)!.ifIndex;
    const c1 = expectedCounters(topology, 'wolong-gw', ifIndex, WED_10, boot);
    const c2 = expectedCounters(topology, 'wolong-gw', ifIndex, WED_10 + 60_000, boot);
    const rate = expectedRateBps(topology, 'wolong-gw', ifIndex, WED_10, WED_10 + 60_000);
    expect(((c2.inOctets - c1.inOctets) * 8) / 60).toBeCloseTo(rate.inBps, -2);
    expect(c1.inOctets32).toBe(c1.inOctets % 2 ** 32);
    expect(c2.inOctets).toBeGreaterThan(c1.inOctets);
    // the child's uplink receives what the parent sends: both ends agree
    const parentIf = topology.find('ny-core')!.interfaces.find((i) => i.name === uplink.a.interface)!.ifIndex;
    expect(expectedRateBps(topology, 'ny-core', parentIf, WED_10, WED_10 + 60_000).outBps).toBeCloseTo(
      rate.inBps,
      3,
    );
  });

  it('applies faults: no traffic while down, ~98 % of capacity while saturated', () => {
    const from = WED_10;
    const to = WED_10 + 600_000;
    expect(octetsWithOverrides(ab, from, to, [{ kind: 'zero', fromMs: from, toMs: null }])).toBe(0);
    const saturated = octetsWithOverrides(ab, from, to, [{ kind: 'saturate', fromMs: from, toMs: null }]);
    expect(saturated).toBeCloseTo((ab.capacityBps * SATURATED_SHARE * 600) / 8, 0);
    const halfDown = octetsWithOverrides(ab, from, to, [
      { kind: 'zero', fromMs: from + 300_000, toMs: null },
    ]);
    expect(halfDown).toBeCloseTo(streamOctets(ab, from, from + 300_000), 0);
    // zero wins over saturate where they overlap
    expect(
      octetsWithOverrides(ab, from, to, [
        { kind: 'saturate', fromMs: from, toMs: null },
        { kind: 'zero', fromMs: from, toMs: null },
      ]),
    ).toBe(0);
  });
});
