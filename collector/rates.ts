/**
 * Counter arithmetic, pure: two readings of an SNMP counter become a rate an operator can trust.
 * Handles Counter32 wrap, Counter64, device reboots (sysUpTime went backwards: the delta is
 * meaningless and is dropped), the 497-day sysUpTime wrap (TimeTicks is 32 bits of centiseconds:
 * not a reboot), and clamps to line rate (a spike beyond the interface speed is a bug, not a number).
 */

export const COUNTER32_MODULUS = 2n ** 32n;
/** sysUpTime (TimeTicks) wraps after 2^32 centiseconds ≈ 497.1 days. */
export const UPTIME_MODULUS_CS = 2 ** 32;

export type CounterBits = 32 | 64;

/** One poll's clock: the device's sysUpTime and our wall clock when the answer arrived. */
export interface PollClock {
  uptimeCs: number;
  timeMs: number;
}

export type Elapsed =
  | { kind: 'elapsed'; seconds: number; uptimeWrapped: boolean }
  | { kind: 'reboot' }
  /** The device clock jumped forward far beyond ours: counters cannot be trusted across it. */
  | { kind: 'clock-jump' }
  | { kind: 'none' };

/**
 * Seconds between two polls, by the device's own clock (it timestamps the counters it serves).
 * sysUpTime going backwards is a reboot unless the wall clock says the 32-bit TimeTicks wrapped
 * (prev near 2^32, cur small, and wrap distance ≈ wall-clock distance).
 */
export function elapsedBetween(prev: PollClock, cur: PollClock): Elapsed {
  const wallS = (cur.timeMs - prev.timeMs) / 1000;
  if (wallS <= 0) return { kind: 'none' };
  if (cur.uptimeCs >= prev.uptimeCs) {
    const deviceS = (cur.uptimeCs - prev.uptimeCs) / 100;
    if (deviceS <= 0) return { kind: 'none' };
    if (plausible(deviceS, wallS)) return { kind: 'elapsed', seconds: deviceS, uptimeWrapped: false };
    return { kind: 'clock-jump' };
  }
  const wrappedS = (UPTIME_MODULUS_CS - prev.uptimeCs + cur.uptimeCs) / 100;
  if (plausible(wrappedS, wallS)) return { kind: 'elapsed', seconds: wrappedS, uptimeWrapped: true };
  return { kind: 'reboot' };
}

/** Device and wall clocks agree within 20% plus 5 s of slack (network delay, coarse ticks). */
function plausible(deviceS: number, wallS: number): boolean {
  return Math.abs(deviceS - wallS) <= wallS * 0.2 + 5;
}

export type CounterDelta = { kind: 'delta'; delta: bigint; wrapped: boolean } | { kind: 'discontinuity' };

/**
 * Increase of a counter between two readings. A Counter32 that went down wrapped once (we poll
 * far more often than a wrap at line rate on the interfaces it is used for). A Counter64 going
 * down cannot be a wrap in practice (2^64 octets): it was reset, so the delta is unknown.
 */
export function counterDelta(prev: bigint, cur: bigint, bits: CounterBits): CounterDelta {
  if (cur >= prev) return { kind: 'delta', delta: cur - prev, wrapped: false };
  if (bits === 32) return { kind: 'delta', delta: COUNTER32_MODULUS - prev + cur, wrapped: true };
  return { kind: 'discontinuity' };
}

export interface Rate {
  /** Per second, in the counter's unit (octets: multiply by 8 for bits). */
  perS: number;
  wrapped: boolean;
  /** True when the raw rate exceeded the ceiling and was clamped to it. */
  clamped: boolean;
}

/** Counter readings to a per-second rate, clamped to ceilingPerS when one is known (> 0). */
export function counterRate(
  prev: bigint,
  cur: bigint,
  bits: CounterBits,
  seconds: number,
  ceilingPerS = 0,
): Rate | null {
  if (seconds <= 0) return null;
  const d = counterDelta(prev, cur, bits);
  if (d.kind === 'discontinuity') return null;
  const perS = Number(d.delta) / seconds;
  if (ceilingPerS > 0 && perS > ceilingPerS) return { perS: ceilingPerS, wrapped: d.wrapped, clamped: true };
  return { perS, wrapped: d.wrapped, clamped: false };
}

/** Octet counters to bits per second, clamped to the interface's line rate. */
export function bitsPerSecond(
  prevOctets: bigint,
  curOctets: bigint,
  bits: CounterBits,
  seconds: number,
  speedBps: number,
): Rate | null {
  const rate = counterRate(prevOctets, curOctets, bits, seconds, speedBps > 0 ? speedBps / 8 : 0);
  return rate === null ? null : { ...rate, perS: rate.perS * 8 };
}

/**
 * The interface's speed in bits/s: ifHighSpeed (Mbit/s) when the agent has it, else ifSpeed
 * (which saturates at 4,294,967,295 for fast ports), else the inventory's figure; 0 when unknown.
 */
export function interfaceSpeedBps(
  ifHighSpeedMbps: number | null,
  ifSpeedBps: number | null,
  inventoryMbps: number,
): number {
  if (ifHighSpeedMbps !== null && ifHighSpeedMbps > 0) return ifHighSpeedMbps * 1e6;
  if (ifSpeedBps !== null && ifSpeedBps > 0 && ifSpeedBps < 4_294_967_295) return ifSpeedBps;
  if (inventoryMbps > 0) return inventoryMbps * 1e6;
  if (ifSpeedBps !== null && ifSpeedBps > 0) return ifSpeedBps;
  return 0;
}

/**
 * Utilization in percent of the capacity the operator cares about: the inventory link's capacity
 * when the interface carries an inventory link (a 100 Mbit/s HFC lease on a gigabit port), else
 * the interface speed. Never above 100.
 */
export function utilizationPct(bps: number, linkCapacityBps: number, speedBps: number): number | null {
  const capacity = linkCapacityBps > 0 ? linkCapacityBps : speedBps;
  if (capacity <= 0) return null;
  return Math.min(100, (bps / capacity) * 100);
}
