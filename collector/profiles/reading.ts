/**
 * The columns a device profile names → a vendor-neutral health reading. Pure: the same for columns
 * walked on their own and for columns folded into the interface request (fold.ts).
 */
import type { HostResourcesReading, StorageReading } from '../poll/host-resources';
import { toNumber, toText, type Column } from '../snmp/session';
import type { Chassis, EntityTable, PhysicalModule } from './entity';
import { parseSensors, type SensorReading } from './entity-sensor';
import type { DeviceProfile, OpticalColumns, StateColumn } from './profile';

/** Agents report "no reading" with these (H3C: 65535 for an absent sensor; Huawei optics 2147483647). */
const SENTINELS = new Set([65535, 2147483647, -2147483648, 4294967295]);

/** A value that is no reading at all: a sentinel, or 0 (a board without a CPU or sensor). */
export const carriesNoReading = (n: number | null): boolean => n === null || n <= 0 || SENTINELS.has(n);

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
  /** ENTITY-SENSOR-MIB sensors (profiles with entitySensors). */
  sensors: SensorReading[];
  storage: StorageReading[];
  /** Read only on polls that asked for the entity table. */
  chassis: Chassis | null;
  /** Boards, optics, power supplies and fans with serials; empty unless the entity table was read. */
  modules: PhysicalModule[];
  /** Entity names and classes used for this reading: keep it and pass it back as knownEntities. */
  entities: EntityTable | null;
  values: number;
  requests: number;
}

type ColumnOf = (oid: string) => Column | undefined;

/** The busiest (hottest) row; rows of 0 are boards without a CPU or sensor. */
function highest(column: Column | undefined): number | null {
  let max: number | null = null;
  for (const vb of column?.values() ?? []) {
    const n = toNumber(vb);
    if (n !== null && !carriesNoReading(n) && (max === null || n > max)) max = n;
  }
  return max;
}

function first(column: Column | undefined): number | undefined {
  for (const vb of column?.values() ?? []) {
    const n = toNumber(vb);
    if (n !== null && !SENTINELS.has(n)) return n;
  }
  return undefined;
}

function memoryPct(profile: DeviceProfile, col: ColumnOf): number | null {
  const memory = profile.memory;
  if (!memory || memory.kind === 'host-resources') return null;
  if (memory.kind === 'percent-column') return highest(col(memory.oid));
  if (memory.kind === 'total-available') {
    const total = first(col(memory.totalOid));
    const available = first(col(memory.availableOid));
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
  col: ColumnOf,
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

function dbm(value: number | null, spec: OpticalColumns): number | null {
  if (value === null || SENTINELS.has(value) || spec.invalid?.includes(value)) return null;
  if (spec.unit === 'centi-dBm') return value / 100;
  // 0 µW is no light at all: report the floor of a receiver's range rather than -Infinity.
  return value <= 0 ? -40 : Math.round(10 * Math.log10(value / 1000) * 100) / 100;
}

function optics(
  spec: OpticalColumns | null,
  col: ColumnOf,
  entity: EntityTable,
  ifNameOf: (ifIndex: number) => string | undefined,
): OpticReading[] {
  if (!spec) return [];
  const out: OpticReading[] = [];
  const tx = col(spec.txOid);
  for (const [index, rxVb] of col(spec.rxOid) ?? []) {
    const rxDbm = dbm(toNumber(rxVb), spec);
    const txDbm = dbm(toNumber(tx?.get(index)), spec);
    if (rxDbm === null && txDbm === null) continue;
    const name =
      spec.index === 'entity'
        ? (entity.nameOf.get(index) ?? `port ${index}`)
        : (ifNameOf(Number(index)) ?? `ifIndex ${index}`);
    out.push({ index, name, rxDbm, txDbm });
  }
  return out;
}

/** Fans from ENTITY-SENSOR-MIB rpm sensors, for profiles without a fan table of their own. */
function sensorFans(sensors: readonly SensorReading[]): ComponentState[] {
  return sensors
    .filter((s) => s.type === 'rpm')
    .map((s) => ({ index: s.index, name: s.name, ok: s.ok, state: s.operStatus }));
}

function hottest(vendorC: number | null, sensors: readonly SensorReading[]): number | null {
  let max = vendorC;
  for (const s of sensors)
    if (s.type === 'celsius' && s.ok && s.value !== null && (max === null || s.value > max)) max = s.value;
  return max;
}

export interface ReadInput {
  hr: HostResourcesReading | null;
  entity: EntityTable;
  /** The entity table was walked on this poll: report the chassis and modules. */
  withEntity: boolean;
  ifNameOf: (ifIndex: number) => string | undefined;
  values: number;
  requests: number;
}

export function readHealth(profile: DeviceProfile, col: ColumnOf, input: ReadInput): HealthReading {
  const { hr, entity } = input;
  const sensors = profile.entitySensors ? parseSensors(col, entity.nameOf) : [];
  const fans = components(profile.fans, col, entity, 'FAN');
  return {
    profile: profile.id,
    cpuPct: profile.cpu?.kind === 'percent-column' ? highest(col(profile.cpu.oid)) : (hr?.cpuPct ?? null),
    memPct: profile.memory?.kind === 'host-resources' ? (hr?.memPct ?? null) : memoryPct(profile, col),
    temperatureC: hottest(profile.temperature ? highest(col(profile.temperature.oid)) : null, sensors),
    fans: profile.fans ? fans : sensorFans(sensors),
    powerSupplies: components(profile.powerSupplies, col, entity, 'PWR'),
    optics: optics(profile.optics, col, entity, input.ifNameOf),
    sensors,
    storage: hr?.storage ?? [],
    chassis: input.withEntity ? entity.chassis : null,
    modules: input.withEntity ? entity.modules : [],
    entities: profile.entityMib ? entity : null,
    values: input.values,
    requests: input.requests,
  };
}
