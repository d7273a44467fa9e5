/** Reads what a device profile names, in one multi-column walk, into a vendor-neutral health reading. */
import { pollHostResources, type StorageReading } from '../poll/host-resources';
import { toNumber, toText, type Column, type SnmpResult, type SnmpSession } from '../snmp/session';
import { ENTITY_COLUMN_OIDS, parseEntityTable, type Chassis, type EntityTable } from './entity';
import type { DeviceProfile, StateColumn } from './profile';

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
/** Agents report "no reading" with these (H3C: 65535 for an absent sensor; Huawei optics 2147483647). */
const SENTINELS = new Set([65535, 2147483647, -2147483648, 4294967295]);

export interface DeviceIdentity {
  sysObjectId: string | null;
  sysDescr: string | null;
}

export async function identifyDevice(session: SnmpSession): Promise<SnmpResult<DeviceIdentity>> {
  const got = await session.get([SYS_OBJECT_ID, SYS_DESCR]);
  if (!got.ok) return got;
  const [objectId, descr] = got.value;
  return {
    ok: true,
    value: {
      sysObjectId: objectId ? String(objectId.value).replace(/^\./, '') : null,
      sysDescr: toText(descr),
    },
  };
}

export interface ComponentState {
  index: string;
  name: string;
  ok: boolean;
  state: number;
}

export interface OpticReading {
  index: string;
  name: string;
  rxDbm: number | null;
  txDbm: number | null;
}

export interface HealthReading {
  profile: string;
  cpuPct: number | null;
  memPct: number | null;
  temperatureC: number | null;
  fans: ComponentState[];
  powerSupplies: ComponentState[];
  optics: OpticReading[];
  storage: StorageReading[];
  /** Read only on polls that asked for the entity table. */
  chassis: Chassis | null;
  /** Entity names and classes used for this reading: keep it and pass it back as knownEntities. */
  entities: EntityTable | null;
  values: number;
  requests: number;
}

/** Every column the profile needs, once, in a stable order (a column named twice is walked once). */
function columnsOf(profile: DeviceProfile, withEntity: boolean, entitiesKnown: boolean): string[] {
  const oids: string[] = [];
  const add = (...more: Array<string | undefined>) => {
    for (const oid of more) if (oid !== undefined && !oids.includes(oid)) oids.push(oid);
  };
  if (profile.cpu?.kind === 'percent-column') add(profile.cpu.oid);
  const memory = profile.memory;
  if (memory?.kind === 'percent-column') add(memory.oid);
  if (memory?.kind === 'used-free') add(memory.usedOid, memory.freeOid, memory.nameOid);
  if (memory?.kind === 'total-available') add(memory.totalOid, memory.availableOid);
  if (profile.temperature) add(profile.temperature.oid);
  for (const states of [profile.fans, profile.powerSupplies]) if (states) add(states.oid, states.nameOid);
  if (profile.optics) add(profile.optics.rxOid, profile.optics.txOid);
  const needsEntity =
    withEntity ||
    (!entitiesKnown &&
      (profile.fans?.entityClass !== undefined ||
        profile.powerSupplies?.entityClass !== undefined ||
        profile.optics?.index === 'entity'));
  if (profile.entityMib && needsEntity) add(...ENTITY_COLUMN_OIDS);
  return oids;
}

const numbers = (column: Column | undefined): number[] =>
  [...(column?.values() ?? [])].map(toNumber).filter((n): n is number => n !== null && !SENTINELS.has(n));

/** The busiest (hottest) row; rows of 0 are boards without a CPU or sensor. */
function highest(column: Column | undefined): number | null {
  const values = numbers(column).filter((n) => n > 0);
  return values.length > 0 ? Math.max(...values) : null;
}

function memoryPct(profile: DeviceProfile, col: (oid: string) => Column | undefined): number | null {
  const memory = profile.memory;
  if (!memory || memory.kind === 'host-resources') return null;
  if (memory.kind === 'percent-column') return highest(col(memory.oid));
  if (memory.kind === 'total-available') {
    const total = numbers(col(memory.totalOid))[0];
    const available = numbers(col(memory.availableOid))[0];
    return total && available !== undefined ? ((total - available) / total) * 100 : null;
  }
  const names = memory.nameOid ? col(memory.nameOid) : undefined;
  for (const [index, usedVb] of col(memory.usedOid) ?? []) {
    if (memory.namePattern && !memory.namePattern.test(toText(names?.get(index)) ?? '')) continue;
    const used = toNumber(usedVb);
    const free = toNumber(col(memory.freeOid)?.get(index));
    if (used !== null && free !== null && used + free > 0) return (used / (used + free)) * 100;
  }
  return null;
}

function components(
  spec: StateColumn | null,
  col: (oid: string) => Column | undefined,
  entity: EntityTable,
  kind: string,
): ComponentState[] {
  if (!spec) return [];
  const out: ComponentState[] = [];
  const names = spec.nameOid ? col(spec.nameOid) : undefined;
  for (const [index, vb] of col(spec.oid) ?? []) {
    if (spec.entityClass !== undefined && entity.classOf.get(index) !== spec.entityClass) continue;
    const state = toNumber(vb);
    if (state === null || spec.absent.includes(state)) continue;
    const name = toText(names?.get(index)) ?? entity.nameOf.get(index) ?? `${kind} ${index}`;
    out.push({ index, name, ok: spec.healthy.includes(state), state });
  }
  return out;
}

function dbm(value: number | null, unit: 'uW' | 'centi-dBm'): number | null {
  if (value === null || SENTINELS.has(value)) return null;
  if (unit === 'centi-dBm') return value / 100;
  // 0 µW is no light at all: report the floor of a receiver's range rather than -Infinity.
  return value <= 0 ? -40 : Math.round(10 * Math.log10(value / 1000) * 100) / 100;
}

function optics(
  profile: DeviceProfile,
  col: (oid: string) => Column | undefined,
  entity: EntityTable,
  ifNameOf: (ifIndex: number) => string | undefined,
): OpticReading[] {
  const spec = profile.optics;
  if (!spec) return [];
  const out: OpticReading[] = [];
  const tx = col(spec.txOid);
  for (const [index, rxVb] of col(spec.rxOid) ?? []) {
    const rxDbm = dbm(toNumber(rxVb), spec.unit);
    const txDbm = dbm(toNumber(tx?.get(index)), spec.unit);
    if (rxDbm === null && txDbm === null) continue;
    const name =
      spec.index === 'entity'
        ? (entity.nameOf.get(index) ?? `port ${index}`)
        : (ifNameOf(Number(index)) ?? `ifIndex ${index}`);
    out.push({ index, name, rxDbm, txDbm });
  }
  return out;
}

export async function pollProfile(
  session: SnmpSession,
  profile: DeviceProfile,
  options: {
    maxRepetitions: number;
    withEntity: boolean;
    /** Names ports in tables indexed by ifIndex (the interface walk knows them). */
    ifNameOf?: (ifIndex: number) => string | undefined;
    /** The entity table from an earlier poll: names and classes are not walked again until withEntity. */
    knownEntities?: EntityTable | null;
  },
): Promise<SnmpResult<HealthReading>> {
  const known = options.knownEntities ?? null;
  const oids = columnsOf(profile, options.withEntity, known !== null);
  const usesHr = profile.cpu?.kind === 'host-resources' || profile.memory?.kind === 'host-resources';
  const [walked, hr] = await Promise.all([
    oids.length > 0 ? session.walkColumns(oids, options.maxRepetitions) : Promise.resolve(null),
    usesHr ? pollHostResources(session, 8) : Promise.resolve(null),
  ]);
  if (walked && !walked.ok) return walked;
  if (hr && !hr.ok && !walked) return hr;
  const columns = walked?.value.columns ?? [];
  const col = (oid: string) => columns[oids.indexOf(oid)];
  const walkedEntity = oids.includes(ENTITY_COLUMN_OIDS[0] as string);
  const entity =
    walkedEntity || known === null
      ? parseEntityTable(ENTITY_COLUMN_OIDS.map((oid) => col(oid) ?? new Map()))
      : known;
  const hrValue = hr?.ok ? hr.value : null;
  let values = hrValue?.values ?? 0;
  for (const c of columns) values += c.size;
  return {
    ok: true,
    value: {
      profile: profile.id,
      cpuPct:
        profile.cpu?.kind === 'percent-column' ? highest(col(profile.cpu.oid)) : (hrValue?.cpuPct ?? null),
      memPct: profile.memory?.kind === 'host-resources' ? (hrValue?.memPct ?? null) : memoryPct(profile, col),
      temperatureC: profile.temperature ? highest(col(profile.temperature.oid)) : null,
      fans: components(profile.fans, col, entity, 'FAN'),
      powerSupplies: components(profile.powerSupplies, col, entity, 'PWR'),
      optics: optics(profile, col, entity, options.ifNameOf ?? (() => undefined)),
      storage: hrValue?.storage ?? [],
      chassis: options.withEntity ? entity.chassis : null,
      entities: profile.entityMib ? entity : null,
      values,
      requests: (walked?.value.requests ?? 0) + (hrValue?.requests ?? 0),
    },
  };
}
