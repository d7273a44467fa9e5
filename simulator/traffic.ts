import type { Topology } from '../inventory';
import type { InventoryNode, Link, NodeId } from '../domain';

/**
 * The traffic model: every direction of every link (and every LAN port) is a *stream* whose rate is
 * a pure function of time — a weekly workday profile in Asia/Shanghai local time, scaled by a
 * per-stream share of capacity, plus a small sinusoidal wobble. Its integral has a closed form, so
 * counters are computed exactly and lazily for any instant, and tests can compute expected rates.
 */

const HOUR_MS = 3_600_000;
const WEEK_MS = 168 * HOUR_MS;
/** Monday 2024-01-01 00:00 in Asia/Shanghai (UTC+8). */
const EPOCH_MS = Date.UTC(2023, 11, 31, 16, 0, 0);

/** Utilisation (0–1) at each local hour of a working day and of a weekend day. */
const WORKDAY = [
  0.1, 0.08, 0.07, 0.06, 0.06, 0.07, 0.1, 0.22, 0.55, 0.85, 0.95, 0.9, 0.55, 0.5, 0.8, 0.92, 0.95, 0.85, 0.45,
  0.25, 0.18, 0.15, 0.13, 0.11,
];
const WEEKEND = [
  0.1, 0.08, 0.07, 0.06, 0.06, 0.06, 0.07, 0.09, 0.14, 0.2, 0.24, 0.24, 0.2, 0.18, 0.2, 0.22, 0.22, 0.2, 0.16,
  0.14, 0.13, 0.12, 0.11, 0.1,
];

/** Hourly knots over a week starting Monday 00:00; the profile is linear between knots. */
const KNOTS: number[] = [];
for (let day = 0; day < 7; day++) KNOTS.push(...(day < 5 ? WORKDAY : WEEKEND));
/** CUM[h] = integral of the profile from Monday 00:00 to hour h (in ms·utilisation). */
const CUM: number[] = [0];
for (let h = 0; h < 168; h++)
  CUM.push((CUM[h] as number) + (((KNOTS[h] as number) + (KNOTS[(h + 1) % 168] as number)) / 2) * HOUR_MS);
const WEEK_INTEGRAL = CUM[168] as number;

/** Workday profile value (0–1) at an instant. */
export function workdayProfile(timeMs: number): number {
  const pos = positive(timeMs - EPOCH_MS, WEEK_MS);
  const h = Math.floor(pos / HOUR_MS);
  const frac = (pos - h * HOUR_MS) / HOUR_MS;
  const v0 = KNOTS[h] as number;
  const v1 = KNOTS[(h + 1) % 168] as number;
  return v0 + (v1 - v0) * frac;
}

function positive(value: number, modulus: number): number {
  const r = value % modulus;
  return r < 0 ? r + modulus : r;
}

/** Integral of the profile over [from, to] in ms·utilisation, exact (no drift over months). */
function profileIntegral(from: number, to: number): number {
  const wa = Math.floor((from - EPOCH_MS) / WEEK_MS);
  const wb = Math.floor((to - EPOCH_MS) / WEEK_MS);
  return (
    (wb - wa) * WEEK_INTEGRAL +
    withinWeek(to - EPOCH_MS - wb * WEEK_MS) -
    withinWeek(from - EPOCH_MS - wa * WEEK_MS)
  );
}

function withinWeek(pos: number): number {
  const h = Math.floor(pos / HOUR_MS);
  const dt = pos - h * HOUR_MS;
  const v0 = KNOTS[h] as number;
  const v1 = KNOTS[(h + 1) % 168] as number;
  return (CUM[h] as number) + v0 * dt + ((v1 - v0) * dt * dt) / (2 * HOUR_MS);
}

/** FNV-1a: stable 32-bit hash of a string. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Stable pseudo-random number in [0, 1) for a key. */
export function unit(key: string): number {
  return hash32(key) / 4294967296;
}

export interface Stream {
  key: string;
  capacityBps: number;
  /** Share of capacity at the profile's peak. */
  share: number;
  /** Wobble amplitude as a share of capacity, and its period. */
  wobble: number;
  wobblePeriodMs: number;
  wobblePhase: number;
}

function makeStream(key: string, capacityBps: number, shareLo: number, shareHi: number): Stream {
  const share = shareLo + (shareHi - shareLo) * unit(`${key}#share`);
  return {
    key,
    capacityBps,
    share,
    // profile minimum is 0.06, so share·0.06 − wobble stays ≥ 0
    wobble: share * 0.04,
    wobblePeriodMs: (7 + 6 * unit(`${key}#period`)) * 60_000,
    wobblePhase: 2 * Math.PI * unit(`${key}#phase`),
  };
}

/** Rate in bit/s at an instant, with no fault. */
export function streamRateBps(stream: Stream, timeMs: number): number {
  const w = (2 * Math.PI * timeMs) / stream.wobblePeriodMs + stream.wobblePhase;
  return stream.capacityBps * (stream.share * workdayProfile(timeMs) + stream.wobble * Math.sin(w));
}

/** Octets carried over [from, to] with no fault: the exact integral of streamRateBps / 8. */
export function streamOctets(stream: Stream, from: number, to: number): number {
  if (to <= from) return 0;
  const k = (2 * Math.PI) / stream.wobblePeriodMs;
  const wobble =
    ((stream.wobble * stream.wobblePeriodMs) / (2 * Math.PI)) *
    (Math.cos(k * from + stream.wobblePhase) - Math.cos(k * to + stream.wobblePhase));
  return ((stream.capacityBps / 8) * (stream.share * profileIntegral(from, to) + wobble)) / 1000;
}

/** A period during which a fault replaces a stream's rate: `zero` (link or node down) or `saturate`. */
export interface RateOverride {
  kind: 'zero' | 'saturate';
  fromMs: number;
  /** null while the fault is active. */
  toMs: number | null;
}

/** Share of capacity a saturated link carries. */
export const SATURATED_SHARE = 0.98;

/** Octets over [from, to] with faults applied (zero beats saturate where they overlap). */
export function octetsWithOverrides(
  stream: Stream,
  from: number,
  to: number,
  overrides: readonly RateOverride[],
): number {
  if (to <= from) return 0;
  if (overrides.length === 0) return streamOctets(stream, from, to);
  const points = new Set<number>([from, to]);
  for (const o of overrides) {
    if (o.fromMs > from && o.fromMs < to) points.add(o.fromMs);
    if (o.toMs !== null && o.toMs > from && o.toMs < to) points.add(o.toMs);
  }
  const sorted = [...points].sort((x, y) => x - y);
  let total = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i] as number;
    const b = sorted[i + 1] as number;
    let zero = false;
    let saturate = false;
    for (const o of overrides) {
      if (o.fromMs <= a && (o.toMs === null || o.toMs >= b)) {
        if (o.kind === 'zero') zero = true;
        else saturate = true;
      }
    }
    if (zero) continue;
    total += saturate ? (stream.capacityBps * SATURATED_SHARE * (b - a)) / 8000 : streamOctets(stream, a, b);
  }
  return total;
}

export interface InterfacePlan {
  ifIndex: number;
  name: string;
  speedMbps: number;
  link: Link | null;
  /** The far end of the link (node and interface name). */
  peer: { node: NodeId; ifName: string } | null;
  /** Unused ports on network gear are shut (every third one); the rest carry LAN traffic. */
  adminUp: boolean;
  inStream: Stream | null;
  outStream: Stream | null;
}

/** Streams of a link: a→b and b→a; the parent→child direction carries more (downloads). */
export function linkStreams(topology: Topology, link: Link): { ab: Stream; ba: Stream } {
  const a = topology.find(link.a.node);
  const b = topology.find(link.b.node);
  const speed = (node: InventoryNode | undefined, ifName: string) =>
    node?.interfaces.find((i) => i.name === ifName)?.speedMbps ?? link.capacityMbps;
  const capacityBps =
    Math.min(link.capacityMbps, speed(a, link.a.interface), speed(b, link.b.interface)) * 1e6;
  const aIsParent = b?.parent === link.a.node;
  const bIsParent = a?.parent === link.b.node;
  const down: [number, number] = [0.3, 0.6];
  const up: [number, number] = [0.15, 0.35];
  const peer: [number, number] = [0.2, 0.4];
  const abRange = aIsParent ? down : bIsParent ? up : peer;
  const baRange = bIsParent ? down : aIsParent ? up : peer;
  return {
    ab: makeStream(`${link.id}>ab`, capacityBps, ...abRange),
    ba: makeStream(`${link.id}>ba`, capacityBps, ...baRange),
  };
}

const SHUT_CAPABLE = new Set(['router', 'switch', 'firewall']);

/** Each interface of a node: its link, far end and traffic streams. Pure: same topology, same plan. */
export function planInterfaces(topology: Topology, node: InventoryNode): InterfacePlan[] {
  return node.interfaces.map((iface, position) => {
    const link = topology.linkAt(node.id, iface.name);
    if (link) {
      const streams = linkStreams(topology, link);
      const isA = link.a.node === node.id && link.a.interface === iface.name;
      const far = isA ? link.b : link.a;
      return {
        ifIndex: iface.ifIndex,
        name: iface.name,
        speedMbps: iface.speedMbps,
        link,
        peer: { node: far.node, ifName: far.interface },
        adminUp: true,
        inStream: isA ? streams.ba : streams.ab,
        outStream: isA ? streams.ab : streams.ba,
      };
    }
    const adminUp = !(SHUT_CAPABLE.has(node.role) && position % 3 === 2);
    const key = `${node.id}:${iface.ifIndex}`;
    const capacityBps = iface.speedMbps * 1e6;
    return {
      ifIndex: iface.ifIndex,
      name: iface.name,
      speedMbps: iface.speedMbps,
      link: null,
      peer: null,
      adminUp,
      inStream: adminUp ? makeStream(`${key}>in`, capacityBps, 0.02, 0.25) : null,
      outStream: adminUp ? makeStream(`${key}>out`, capacityBps, 0.02, 0.2) : null,
    };
  });
}

/** Average packet size the packet counters assume. */
export const AVERAGE_PACKET_BYTES = 700;
const TWO_32 = 4294967296;

export interface ExpectedCounters {
  /** ifHCInOctets / ifHCOutOctets (octets since boot). */
  inOctets: number;
  outOctets: number;
  /** ifInOctets / ifOutOctets (Counter32: the same modulo 2^32). */
  inOctets32: number;
  outOctets32: number;
  inUcastPkts: number;
  outUcastPkts: number;
}

/**
 * What an interface's counters read at `timeMs` for an agent booted at `bootMs`, with no fault.
 * (`Simulator.bootTimeOf(node)` tells a running simulator's boot time.)
 */
export function expectedCounters(
  topology: Topology,
  nodeId: string,
  ifIndex: number,
  timeMs: number,
  bootMs: number,
): ExpectedCounters {
  const node = topology.find(nodeId);
  if (!node) throw new Error(`expectedCounters: unknown node "${nodeId}"`);
  const plan = planInterfaces(topology, node).find((p) => p.ifIndex === ifIndex);
  if (!plan) throw new Error(`expectedCounters: node "${nodeId}" has no ifIndex ${ifIndex}`);
  const inOctets = plan.inStream ? Math.floor(streamOctets(plan.inStream, bootMs, timeMs)) : 0;
  const outOctets = plan.outStream ? Math.floor(streamOctets(plan.outStream, bootMs, timeMs)) : 0;
  return {
    inOctets,
    outOctets,
    inOctets32: inOctets % TWO_32,
    outOctets32: outOctets % TWO_32,
    inUcastPkts: Math.floor(inOctets / AVERAGE_PACKET_BYTES),
    outUcastPkts: Math.floor(outOctets / AVERAGE_PACKET_BYTES),
  };
}

/** Average rate in bit/s over [from, to] with no fault — what a poller should compute from two samples. */
export function expectedRateBps(
  topology: Topology,
  nodeId: string,
  ifIndex: number,
  fromMs: number,
  toMs: number,
): { inBps: number; outBps: number } {
  const node = topology.find(nodeId);
  if (!node) throw new Error(`expectedRateBps: unknown node "${nodeId}"`);
  const plan = planInterfaces(topology, node).find((p) => p.ifIndex === ifIndex);
  if (!plan) throw new Error(`expectedRateBps: node "${nodeId}" has no ifIndex ${ifIndex}`);
  const seconds = (toMs - fromMs) / 1000;
  const rate = (stream: Stream | null) => (stream ? (streamOctets(stream, fromMs, toMs) * 8) / seconds : 0);
  return { inBps: rate(plan.inStream), outBps: rate(plan.outStream) };
}
