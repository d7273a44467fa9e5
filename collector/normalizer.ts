/**
 * Raw poll readings → metric points and events. Pure: the caller keeps the per-node memory it
 * returns and passes it back with the next poll.
 *   - interface: bits/s, errors/s, discards/s, utilization %, operUp (rates need two polls);
 *   - node: cpuPct, memPct, uptimeS, reachable, pollMs; storage: usedPct, sizeBytes, usedBytes;
 *   - events: interface.state on ifOperStatus changes, node.reboot when sysUpTime went backwards
 *     (the deltas across a reboot are dropped, never turned into numbers).
 */
import {
  mosFromRtt,
  type InterfaceStateEvent,
  type InventoryNode,
  type MetricPoint,
  type NodeRebootEvent,
  type VideoLink,
} from '../domain';
import type { Topology } from '../inventory';
import type { HostResourcesReading } from './poll/host-resources';
import type { IfReading } from './poll/if-mib';
import type { SystemReading } from './poll/system';
import type { VideoReading } from './poll/video';
import {
  bitsPerSecond,
  counterRate,
  elapsedBetween,
  interfaceSpeedBps,
  utilizationPct,
  type PollClock,
} from './rates';

export interface InterfaceMemory {
  inOctets: bigint | null;
  outOctets: bigint | null;
  counterBits: 32 | 64;
  inErrors: bigint | null;
  outErrors: bigint | null;
  inDiscards: bigint | null;
  outDiscards: bigint | null;
  operUp: boolean | null;
}

export interface NodeMemory {
  clock: PollClock;
  interfaces: Map<number, InterfaceMemory>;
}

export interface NodePollReading {
  timeMs: number;
  system: SystemReading;
  interfaces: IfReading[];
  hostResources: HostResourcesReading | null;
  pollMs: number;
}

export interface NormalizeStats {
  clamped: number;
  wrapped: number;
}

export interface Normalized {
  points: MetricPoint[];
  events: Array<InterfaceStateEvent | NodeRebootEvent>;
  memory: NodeMemory;
  stats: NormalizeStats;
}

export function nodeTags(node: InventoryNode): Record<string, string> {
  return { node: node.id, tier: node.tier, zone: node.zone, role: node.role };
}

/** The inventory's capacity (bit/s) of the link on an interface, 0 when the interface has none. */
function linkCapacityBps(topology: Topology, node: InventoryNode, ifName: string): number {
  const link = topology.linkAt(node.id, ifName);
  return link ? link.capacityMbps * 1e6 : 0;
}

function inventorySpeedMbps(node: InventoryNode, reading: IfReading): number {
  const byIndex = node.interfaces.find((i) => i.ifIndex === reading.ifIndex && i.name === reading.name);
  const byName = byIndex ?? node.interfaces.find((i) => i.name === reading.name);
  return byName?.speedMbps ?? 0;
}

export function normalizeNodePoll(
  topology: Topology,
  node: InventoryNode,
  previous: NodeMemory | null,
  reading: NodePollReading,
): Normalized {
  const { timeMs, system } = reading;
  const clock: PollClock = { uptimeCs: system.uptimeCs, timeMs };
  const points: MetricPoint[] = [];
  const events: Array<InterfaceStateEvent | NodeRebootEvent> = [];
  const stats: NormalizeStats = { clamped: 0, wrapped: 0 };
  const elapsed = previous ? elapsedBetween(previous.clock, clock) : ({ kind: 'none' } as const);
  if (elapsed.kind === 'reboot')
    events.push({
      type: 'node.reboot',
      node: node.id,
      timeMs,
      source: 'poll',
      uptimeS: system.uptimeCs / 100,
    });
  const seconds = elapsed.kind === 'elapsed' ? elapsed.seconds : 0;

  const memory: NodeMemory = { clock, interfaces: new Map() };
  for (const row of reading.interfaces) {
    const before = previous?.interfaces.get(row.ifIndex);
    memory.interfaces.set(row.ifIndex, {
      inOctets: row.inOctets,
      outOctets: row.outOctets,
      counterBits: row.counterBits,
      inErrors: row.inErrors,
      outErrors: row.outErrors,
      inDiscards: row.inDiscards,
      outDiscards: row.outDiscards,
      operUp: row.operUp,
    });
    if (before && before.operUp !== null && row.operUp !== null && before.operUp !== row.operUp)
      events.push({
        type: 'interface.state',
        node: node.id,
        timeMs,
        ifIndex: row.ifIndex,
        ifName: row.name,
        state: row.operUp ? 'up' : 'down',
        source: 'poll',
      });

    const fields: Record<string, number> = {};
    if (row.operUp !== null) fields.operUp = row.operUp ? 1 : 0;
    if (typeof row.adminUp === 'boolean') fields.adminUp = row.adminUp ? 1 : 0;
    // Rates only across two polls of the same counters, with no reboot in between.
    if (before && seconds > 0 && before.counterBits === row.counterBits) {
      const speedBps = interfaceSpeedBps(row.highSpeedMbps, row.speedBps, inventorySpeedMbps(node, row));
      const capacityBps = linkCapacityBps(topology, node, row.name);
      const octets = (prev: bigint | null, cur: bigint | null, field: 'inBps' | 'outBps', util: string) => {
        if (prev === null || cur === null) return;
        const rate = bitsPerSecond(prev, cur, row.counterBits, seconds, speedBps);
        if (!rate) return;
        if (rate.clamped) stats.clamped++;
        if (rate.wrapped) stats.wrapped++;
        fields[field] = rate.perS;
        const pct = utilizationPct(rate.perS, capacityBps, speedBps);
        if (pct !== null) fields[util] = pct;
      };
      octets(before.inOctets, row.inOctets, 'inBps', 'inUtilPct');
      octets(before.outOctets, row.outOctets, 'outBps', 'outUtilPct');
      const perSecond = (prev: bigint | null, cur: bigint | null, field: string) => {
        if (prev === null || cur === null) return;
        const rate = counterRate(prev, cur, 32, seconds);
        if (rate) fields[field] = rate.perS;
      };
      perSecond(before.inErrors, row.inErrors, 'inErrorsPs');
      perSecond(before.outErrors, row.outErrors, 'outErrorsPs');
      perSecond(before.inDiscards, row.inDiscards, 'inDiscardsPs');
      perSecond(before.outDiscards, row.outDiscards, 'outDiscardsPs');
    }
    if (Object.keys(fields).length > 0)
      points.push({
        measurement: 'interface',
        tags: {
          node: node.id,
          ifIndex: String(row.ifIndex),
          ifName: row.name,
          tier: node.tier,
          zone: node.zone,
        },
        fields,
        timeMs,
      });
  }

  const nodeFields: Record<string, number> = {
    uptimeS: system.uptimeCs / 100,
    reachable: 1,
    pollMs: reading.pollMs,
  };
  const hr = reading.hostResources;
  if (hr?.cpuPct != null) nodeFields.cpuPct = hr.cpuPct;
  if (hr?.memPct != null) nodeFields.memPct = hr.memPct;
  points.push({ measurement: 'node', tags: nodeTags(node), fields: nodeFields, timeMs });
  for (const s of hr?.storage ?? [])
    points.push({
      measurement: 'storage',
      tags: { node: node.id, storage: s.descr },
      fields: { usedPct: (s.usedBytes / s.sizeBytes) * 100, sizeBytes: s.sizeBytes, usedBytes: s.usedBytes },
      timeMs,
    });
  return { points, events, memory, stats };
}

/** The point written when a poll failed: the node is visibly unreachable, never silently stale. */
export function unreachablePoint(node: InventoryNode, timeMs: number, pollMs: number): MetricPoint {
  return { measurement: 'node', tags: nodeTags(node), fields: { reachable: 0, pollMs }, timeMs };
}

/** Video readings → `video` points for the inventory's video links; MOS by the E-model where the device gives none. */
export function normalizeVideo(
  node: InventoryNode,
  links: readonly VideoLink[],
  readings: readonly VideoReading[],
  timeMs: number,
): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const reading of readings) {
    const link = links.find((l) => l.id === reading.linkId);
    if (!link) continue;
    const fields: Record<string, number> = {};
    if (reading.rttMs !== null) fields.rttMs = reading.rttMs;
    if (reading.jitterMs !== null) fields.jitterMs = reading.jitterMs;
    if (reading.lossPct !== null) fields.lossPct = reading.lossPct;
    const mos =
      reading.mos ??
      (reading.lossPct !== null && reading.lossPct >= 100
        ? 1
        : reading.rttMs !== null && reading.lossPct !== null
          ? mosFromRtt(reading.rttMs, reading.jitterMs ?? 0, reading.lossPct)
          : null);
    if (mos !== null) fields.mos = mos;
    if (Object.keys(fields).length === 0) continue;
    points.push({
      measurement: 'video',
      tags: { link: link.id, node: node.id, peer: link.a === node.id ? link.b : link.a, probe: link.probe },
      fields,
      timeMs,
    });
  }
  return points;
}
