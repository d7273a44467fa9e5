/**
 * IF-MIB: per-interface status and counters. Prefers ifXTable's 64-bit ifHC*Octets and falls back
 * to ifTable's Counter32 ifIn/OutOctets when the agent has no ifXTable (learned once per node).
 * Only the needed columns, walked together by GETBULK. Names and speeds change rarely: they are
 * fetched on the first poll, every `metadataEveryN` polls, and when the set of interfaces changes.
 */
import type { CounterBits } from '../rates';
import {
  toBigInt,
  toNumber,
  toText,
  type Column,
  type SnmpResult,
  type SnmpSession,
  type Varbind,
} from '../snmp/session';
import { parseSystem, SYSTEM_SCALARS, type SystemReading } from './system';

const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';

export const IF_OIDS = {
  ifDescr: `${IF_ENTRY}.2`,
  ifSpeed: `${IF_ENTRY}.5`,
  ifAdminStatus: `${IF_ENTRY}.7`,
  ifOperStatus: `${IF_ENTRY}.8`,
  ifInOctets: `${IF_ENTRY}.10`,
  ifInDiscards: `${IF_ENTRY}.13`,
  ifInErrors: `${IF_ENTRY}.14`,
  ifOutOctets: `${IF_ENTRY}.16`,
  ifOutDiscards: `${IF_ENTRY}.19`,
  ifOutErrors: `${IF_ENTRY}.20`,
  ifName: `${IFX_ENTRY}.1`,
  ifHCInOctets: `${IFX_ENTRY}.6`,
  ifHCOutOctets: `${IFX_ENTRY}.10`,
  ifHighSpeed: `${IFX_ENTRY}.15`,
} as const;

export interface IfReading {
  ifIndex: number;
  name: string;
  /** null when the agent gave no ifOperStatus for the row (partial table). */
  operUp: boolean | null;
  /** ifAdminStatus: false when an operator shut the port (then down is intended); null when not given. */
  adminUp?: boolean | null;
  inOctets: bigint | null;
  outOctets: bigint | null;
  counterBits: CounterBits;
  inErrors: bigint | null;
  outErrors: bigint | null;
  inDiscards: bigint | null;
  outDiscards: bigint | null;
  highSpeedMbps: number | null;
  speedBps: number | null;
}

/** What the poller remembers about a node's IF-MIB between polls. */
export interface IfMibMemory {
  /** undefined until the first poll tells whether ifXTable counters exist. */
  hasHc?: boolean;
  polls: number;
  names: Map<number, string>;
  highSpeedMbps: Map<number, number>;
  speedBps: Map<number, number>;
}

export function newIfMibMemory(): IfMibMemory {
  return { polls: 0, names: new Map(), highSpeedMbps: new Map(), speedBps: new Map() };
}

export interface IfMibPoll {
  system: SystemReading | null;
  /** Answers to options.extraScalars, in order (null where the agent had none). */
  extras: Array<Varbind | null>;
  interfaces: IfReading[];
  /** Values read from the agent (varbinds), for throughput accounting. */
  values: number;
  requests: number;
}

export interface IfMibOptions {
  maxRepetitions: number;
  metadataEveryN: number;
  /** Offsets this node's metadata polls from others' (collector.ts NodeRuntime.phase); default 0. */
  metadataPhase?: number;
  /**
   * More GETNEXT non-repeaters to carry in the first request (a device profile's rows, folded in so
   * that a poll stays one request).
   */
  extraScalars?: readonly string[];
}

function ifIndexOf(suffix: string): number | null {
  const n = Number(suffix);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function countValues(columns: Column[]): number {
  let n = 0;
  for (const c of columns) n += c.size;
  return n;
}

/** One poll of sysUpTime/sysName plus the interface table. */
export async function pollIfMib(
  session: SnmpSession,
  memory: IfMibMemory,
  options: IfMibOptions,
): Promise<SnmpResult<IfMibPoll>> {
  const metadata =
    memory.polls === 0 ||
    (memory.polls + (options.metadataPhase ?? 0)) % Math.max(1, options.metadataEveryN) === 0 ||
    memory.names.size === 0;
  const hc = memory.hasHc !== false;
  const columns: string[] = [
    IF_OIDS.ifOperStatus,
    IF_OIDS.ifAdminStatus,
    IF_OIDS.ifInErrors,
    IF_OIDS.ifOutErrors,
    IF_OIDS.ifInDiscards,
    IF_OIDS.ifOutDiscards,
    ...(hc ? [IF_OIDS.ifHCInOctets, IF_OIDS.ifHCOutOctets] : [IF_OIDS.ifInOctets, IF_OIDS.ifOutOctets]),
    ...(metadata ? [IF_OIDS.ifName, IF_OIDS.ifHighSpeed, IF_OIDS.ifSpeed, IF_OIDS.ifDescr] : []),
  ];
  const extra = options.extraScalars ?? [];
  const scalars = extra.length > 0 ? [...SYSTEM_SCALARS, ...extra] : SYSTEM_SCALARS;
  const walked = await session.walkColumns(columns, options.maxRepetitions, scalars);
  if (!walked.ok) return walked;
  let requests = walked.value.requests;
  const got = new Map<string, Column>(columns.map((oid, i) => [oid, walked.value.columns[i] ?? new Map()]));
  const col = (oid: string): Column => got.get(oid) ?? new Map<string, Varbind>();
  let bits: CounterBits = hc ? 64 : 32;
  let inOctets = col(hc ? IF_OIDS.ifHCInOctets : IF_OIDS.ifInOctets);
  let outOctets = col(hc ? IF_OIDS.ifHCOutOctets : IF_OIDS.ifOutOctets);
  const systemScalars =
    extra.length > 0 ? walked.value.scalars.slice(0, SYSTEM_SCALARS.length) : walked.value.scalars;
  const extras = extra.length > 0 ? walked.value.scalars.slice(SYSTEM_SCALARS.length) : [];
  let values = countValues(walked.value.columns) + systemScalars.filter((v) => v !== null).length;

  if (hc && inOctets.size === 0 && outOctets.size === 0 && col(IF_OIDS.ifOperStatus).size > 0) {
    // No ifXTable counters on this agent: use (and from now on only ask for) the 32-bit ones.
    memory.hasHc = false;
    const fallback = await session.walkColumns(
      [IF_OIDS.ifInOctets, IF_OIDS.ifOutOctets],
      options.maxRepetitions,
    );
    if (!fallback.ok) return fallback;
    requests += fallback.value.requests;
    [inOctets = new Map(), outOctets = new Map()] = fallback.value.columns;
    values += countValues(fallback.value.columns);
    bits = 32;
  } else if (hc && (inOctets.size > 0 || outOctets.size > 0)) memory.hasHc = true;

  // Rows: every ifIndex any column mentions (partial tables keep what they have).
  const indexes = new Set<number>();
  for (const column of walked.value.columns)
    for (const suffix of column.keys()) {
      const i = ifIndexOf(suffix);
      if (i !== null) indexes.add(i);
    }
  if (metadata) {
    memory.names.clear();
    memory.highSpeedMbps.clear();
    memory.speedBps.clear();
    for (const i of indexes) {
      const key = String(i);
      const name = toText(col(IF_OIDS.ifName).get(key)) || toText(col(IF_OIDS.ifDescr).get(key)) || `if${i}`;
      memory.names.set(i, name);
      const high = toNumber(col(IF_OIDS.ifHighSpeed).get(key));
      if (high !== null) memory.highSpeedMbps.set(i, high);
      const speed = toNumber(col(IF_OIDS.ifSpeed).get(key));
      if (speed !== null) memory.speedBps.set(i, speed);
    }
  } else if ([...indexes].some((i) => !memory.names.has(i))) {
    // A new interface appeared: refresh names and speeds on the next poll.
    memory.polls = -1;
  }
  memory.polls++;

  const interfaces: IfReading[] = [...indexes]
    .sort((a, b) => a - b)
    .map((ifIndex) => {
      const key = String(ifIndex);
      const oper = toNumber(col(IF_OIDS.ifOperStatus).get(key));
      const admin = toNumber(col(IF_OIDS.ifAdminStatus).get(key));
      return {
        ifIndex,
        name: memory.names.get(ifIndex) ?? `if${ifIndex}`,
        operUp: oper === null ? null : oper === 1,
        adminUp: admin === null ? null : admin === 1,
        inOctets: toBigInt(inOctets.get(key)),
        outOctets: toBigInt(outOctets.get(key)),
        counterBits: bits,
        inErrors: toBigInt(col(IF_OIDS.ifInErrors).get(key)),
        outErrors: toBigInt(col(IF_OIDS.ifOutErrors).get(key)),
        inDiscards: toBigInt(col(IF_OIDS.ifInDiscards).get(key)),
        outDiscards: toBigInt(col(IF_OIDS.ifOutDiscards).get(key)),
        highSpeedMbps: memory.highSpeedMbps.get(ifIndex) ?? null,
        speedBps: memory.speedBps.get(ifIndex) ?? null,
      };
    });
  return {
    ok: true,
    value: { system: parseSystem(systemScalars), extras, interfaces, values, requests },
  };
}
