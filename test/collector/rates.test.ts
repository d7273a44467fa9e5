import { describe, expect, it } from 'vitest';
import {
  bitsPerSecond,
  counterDelta,
  counterRate,
  elapsedBetween,
  interfaceSpeedBps,
  UPTIME_MODULUS_CS,
  utilizationPct,
} from '../../collector/rates';

describe('counterDelta', () => {
  it.each([
    { name: 'plain increase, 32-bit', prev: 100n, cur: 350n, bits: 32 as const, want: 250n, wrapped: false },
    { name: 'unchanged', prev: 7n, cur: 7n, bits: 32 as const, want: 0n, wrapped: false },
    {
      name: 'Counter32 wrap',
      prev: 4_294_967_000n,
      cur: 704n,
      bits: 32 as const,
      want: 1000n,
      wrapped: true,
    },
    {
      name: 'Counter32 wrap to exactly 0',
      prev: 4_294_967_295n,
      cur: 0n,
      bits: 32 as const,
      want: 1n,
      wrapped: true,
    },
    {
      name: 'Counter64 beyond 2^53',
      prev: 2n ** 60n,
      cur: 2n ** 60n + 12_345n,
      bits: 64 as const,
      want: 12_345n,
      wrapped: false,
    },
  ])('$name', ({ prev, cur, bits, want, wrapped }) => {
    expect(counterDelta(prev, cur, bits)).toEqual({ kind: 'delta', delta: want, wrapped });
  });

  it('a Counter64 going down is a reset, not a wrap', () => {
    expect(counterDelta(5_000_000n, 10n, 64)).toEqual({ kind: 'discontinuity' });
  });
});

describe('elapsedBetween', () => {
  const t0 = 1_700_000_000_000;
  it.each([
    {
      name: 'normal 60 s poll',
      prev: { uptimeCs: 100_000, timeMs: t0 },
      cur: { uptimeCs: 106_000, timeMs: t0 + 60_000 },
      want: { kind: 'elapsed', seconds: 60, uptimeWrapped: false },
    },
    {
      name: 'device clock preferred over a late answer',
      prev: { uptimeCs: 100_000, timeMs: t0 },
      cur: { uptimeCs: 106_000, timeMs: t0 + 61_500 },
      want: { kind: 'elapsed', seconds: 60, uptimeWrapped: false },
    },
    {
      name: 'reboot: sysUpTime went backwards',
      prev: { uptimeCs: 9_000_000, timeMs: t0 },
      cur: { uptimeCs: 2_000, timeMs: t0 + 60_000 },
      want: { kind: 'reboot' },
    },
    {
      name: '497-day wrap is not a reboot',
      prev: { uptimeCs: UPTIME_MODULUS_CS - 3_000, timeMs: t0 },
      cur: { uptimeCs: 3_000, timeMs: t0 + 60_000 },
      want: { kind: 'elapsed', seconds: 60, uptimeWrapped: true },
    },
    {
      name: 'reboot right before the 497-day mark is still a reboot',
      prev: { uptimeCs: UPTIME_MODULUS_CS - 3_000, timeMs: t0 },
      cur: { uptimeCs: 500_000, timeMs: t0 + 60_000 },
      want: { kind: 'reboot' },
    },
    {
      name: 'device clock jumped far ahead: no rate across it',
      prev: { uptimeCs: 100, timeMs: t0 },
      cur: { uptimeCs: 90_000_000, timeMs: t0 + 60_000 },
      want: { kind: 'clock-jump' },
    },
    {
      name: 'no time passed',
      prev: { uptimeCs: 100, timeMs: t0 },
      cur: { uptimeCs: 100, timeMs: t0 },
      want: { kind: 'none' },
    },
  ])('$name', ({ prev, cur, want }) => {
    expect(elapsedBetween(prev, cur)).toEqual(want);
  });
});

describe('bitsPerSecond', () => {
  it.each([
    {
      name: '1 MB in 10 s = 800 kbit/s',
      prev: 0n,
      cur: 1_000_000n,
      bits: 64 as const,
      s: 10,
      speed: 1e9,
      want: 800_000,
      clamped: false,
    },
    {
      name: 'Counter32 wrap yields the true rate',
      prev: 4_294_000_000n,
      cur: 32_704n,
      bits: 32 as const,
      s: 10,
      speed: 1e9,
      want: ((4_294_967_296 - 4_294_000_000 + 32_704) * 8) / 10,
      clamped: false,
    },
    {
      name: 'saturated link: clamped to line rate',
      prev: 0n,
      cur: 200_000_000n,
      bits: 64 as const,
      s: 10,
      speed: 100e6,
      want: 100e6,
      clamped: true,
    },
    {
      name: 'exactly line rate is not clamped',
      prev: 0n,
      cur: 125_000_000n,
      bits: 64 as const,
      s: 10,
      speed: 100e6,
      want: 100e6,
      clamped: false,
    },
    {
      name: 'unknown speed: no clamp',
      prev: 0n,
      cur: 10n ** 12n,
      bits: 64 as const,
      s: 1,
      speed: 0,
      want: 8e12,
      clamped: false,
    },
  ])('$name', ({ prev, cur, bits, s, speed, want, clamped }) => {
    const rate = bitsPerSecond(prev, cur, bits, s, speed);
    expect(rate?.perS).toBeCloseTo(want, 6);
    expect(rate?.clamped).toBe(clamped);
  });

  it('a Counter64 reset gives no rate', () => {
    expect(bitsPerSecond(10n ** 9n, 5n, 64, 60, 1e9)).toBeNull();
  });
  it('zero seconds gives no rate', () => {
    expect(counterRate(0n, 10n, 32, 0)).toBeNull();
  });
});

describe('interfaceSpeedBps and utilizationPct', () => {
  it.each([
    { name: 'ifHighSpeed wins', high: 10_000, speed: 4_294_967_295, inv: 1000, want: 10e9 },
    { name: 'ifSpeed when no ifXTable', high: null, speed: 100_000_000, inv: 1000, want: 100e6 },
    {
      name: 'saturated ifSpeed defers to inventory',
      high: null,
      speed: 4_294_967_295,
      inv: 10_000,
      want: 10e9,
    },
    { name: 'inventory when the agent says 0', high: 0, speed: 0, inv: 1000, want: 1e9 },
    { name: 'unknown', high: null, speed: null, inv: 0, want: 0 },
  ])('speed: $name', ({ high, speed, inv, want }) => {
    expect(interfaceSpeedBps(high, speed, inv)).toBe(want);
  });

  it.each([
    { name: 'of link capacity (HFC lease on a gigabit port)', bps: 50e6, link: 100e6, speed: 1e9, want: 50 },
    { name: 'of interface speed without a link', bps: 50e6, link: 0, speed: 1e9, want: 5 },
    { name: 'never above 100', bps: 1e9, link: 100e6, speed: 1e9, want: 100 },
    { name: 'unknown capacity', bps: 5, link: 0, speed: 0, want: null },
  ])('utilization: $name', ({ bps, link, speed, want }) => {
    expect(utilizationPct(bps, link, speed)).toBe(want);
  });
});
