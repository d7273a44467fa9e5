import { describe, expect, it } from 'vitest';
import { effectiveLatencyMs, mosFromR, mosFromRtt, rFactor } from '../../domain';

describe('E-model (simplified ITU-T G.107)', () => {
  it.each([
    { r: -5, mos: 1 },
    { r: 0, mos: 1 },
    { r: 50, mos: 1 + 0.035 * 50 + 50 * -10 * 50 * 7e-6 },
    { r: 80, mos: 1 + 0.035 * 80 + 80 * 20 * 20 * 7e-6 },
    { r: 93.2, mos: 1 + 0.035 * 93.2 + 93.2 * 33.2 * 6.8 * 7e-6 },
    { r: 100, mos: 4.5 },
    { r: 120, mos: 4.5 },
  ])('MOS from R=$r', ({ r, mos }) => {
    expect(mosFromR(r)).toBeCloseTo(mos, 10);
  });

  it('effective latency counts jitter twice plus 10 ms', () => {
    expect(effectiveLatencyMs({ oneWayDelayMs: 50, jitterMs: 5, lossPct: 0 })).toBe(70);
  });

  it.each([
    { name: 'perfect LAN', rtt: 0, jitter: 0, loss: 0, mos: 4.4 },
    { name: 'good WAN (20 ms, 2 ms jitter)', rtt: 20, jitter: 2, loss: 0, mos: 4.4 },
    { name: 'busy county uplink (100 ms, 10 ms, 1%)', rtt: 100, jitter: 10, loss: 1, mos: 4.28 },
    { name: 'degraded (300 ms, 30 ms, 5%)', rtt: 300, jitter: 30, loss: 5, mos: 3.47 },
    { name: 'unusable (600 ms, 50 ms, 20%)', rtt: 600, jitter: 50, loss: 20, mos: 1.14 },
  ])('$name → MOS $mos', ({ rtt, jitter, loss, mos }) => {
    expect(mosFromRtt(rtt, jitter, loss)).toBeCloseTo(mos, 2);
  });

  it('delay beyond 177.3 ms effective costs extra', () => {
    const below = rFactor({ oneWayDelayMs: 160, jitterMs: 0, lossPct: 0 });
    const above = rFactor({ oneWayDelayMs: 200, jitterMs: 0, lossPct: 0 });
    expect(below - above).toBeGreaterThan(0.024 * 40);
  });

  it('more loss never raises MOS', () => {
    let last = 5;
    for (let loss = 0; loss <= 100; loss += 5) {
      const mos = mosFromRtt(80, 5, loss);
      expect(mos).toBeLessThanOrEqual(last);
      last = mos;
    }
  });
});
