/** Reads what a device profile names, in one multi-column walk, into a vendor-neutral health reading. */
import { pollHostResources, type HostResourcesReading } from '../poll/host-resources';
import { toText, type Column, type SnmpResult, type SnmpSession } from '../snmp/session';
import { ENTITY_COLUMN_OIDS, parseEntityTable, type EntityTable } from './entity';
import { SENSOR_COLUMN_OIDS } from './entity-sensor';
import type { DeviceProfile } from './profile';
import { readHealth, type HealthReading } from './reading';

export type { ComponentState, HealthReading, OpticReading } from './reading';

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

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

/** The profile's own columns (not ENTITY-MIB), each once, in a stable order: built once per profile. */
const ownColumns = new WeakMap<DeviceProfile, readonly string[]>();

export function profileColumns(profile: DeviceProfile): readonly string[] {
  const cached = ownColumns.get(profile);
  if (cached) return cached;
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
  if (profile.entitySensors) add(...SENSOR_COLUMN_OIDS);
  ownColumns.set(profile, oids);
  return oids;
}

/** Entity names and classes are needed to read this profile's rows (tables shared by all entities). */
function needsEntityNames(profile: DeviceProfile): boolean {
  return (
    profile.entityMib &&
    (profile.fans?.entityClass !== undefined ||
      profile.powerSupplies?.entityClass !== undefined ||
      profile.optics?.index === 'entity' ||
      profile.entitySensors)
  );
}

const usesHostResources = (profile: DeviceProfile) =>
  profile.cpu?.kind === 'host-resources' || profile.memory?.kind === 'host-resources';

export interface WalkOptions {
  maxRepetitions: number;
  withEntity: boolean;
  /** Names ports in tables indexed by ifIndex (the interface walk knows them). */
  ifNameOf?: (ifIndex: number) => string | undefined;
  /** The entity table from an earlier poll: names and classes are not walked again until withEntity. */
  knownEntities?: EntityTable | null;
}

export interface ProfileWalk {
  /** The profile's own columns (profileColumns order) as walked. */
  columns: Column[];
  entity: EntityTable;
  hr: HostResourcesReading | null;
  values: number;
  requests: number;
}

/** One multi-column walk of the profile's columns (and ENTITY-MIB when asked or not yet known). */
export async function walkProfile(
  session: SnmpSession,
  profile: DeviceProfile,
  options: WalkOptions,
): Promise<SnmpResult<ProfileWalk>> {
  const own = profileColumns(profile);
  const known = options.knownEntities ?? null;
  const withEntity =
    profile.entityMib && (options.withEntity || (known === null && needsEntityNames(profile)));
  const oids = withEntity ? [...own, ...ENTITY_COLUMN_OIDS] : own;
  const [walked, hr] = await Promise.all([
    oids.length > 0 ? session.walkColumns([...oids], options.maxRepetitions) : Promise.resolve(null),
    usesHostResources(profile) ? hostResources(session) : Promise.resolve(null),
  ]);
  if (walked && !walked.ok) return walked;
  if (hr && !hr.ok && !walked) return hr;
  const columns = walked?.value.columns ?? [];
  const entity = withEntity
    ? parseEntityTable(ENTITY_COLUMN_OIDS.map((_, i) => columns[own.length + i] ?? new Map()))
    : (known ?? parseEntityTable([]));
  const hrValue = hr?.ok ? hr.value : null;
  let values = hrValue?.values ?? 0;
  for (const c of columns) values += c.size;
  return {
    ok: true,
    value: {
      columns: columns.slice(0, own.length),
      entity,
      hr: hrValue,
      values,
      requests: (walked?.value.requests ?? 0) + (hrValue?.requests ?? 0),
    },
  };
}

export function hostResources(session: SnmpSession): Promise<SnmpResult<HostResourcesReading>> {
  return pollHostResources(session, 8);
}

/** A column lookup over the profile's own columns. */
export function columnLookup(profile: DeviceProfile, columns: readonly Column[]) {
  const own = profileColumns(profile);
  return (oid: string): Column | undefined => columns[own.indexOf(oid)];
}

/** Walk and read in one go (the first poll of a device, tests, tools). */
export async function pollProfile(
  session: SnmpSession,
  profile: DeviceProfile,
  options: WalkOptions,
): Promise<SnmpResult<HealthReading>> {
  const walked = await walkProfile(session, profile, options);
  if (!walked.ok) return walked;
  const { columns, entity, hr, values, requests } = walked.value;
  return {
    ok: true,
    value: readHealth(profile, columnLookup(profile, columns), {
      hr,
      entity,
      withEntity: options.withEntity,
      ifNameOf: options.ifNameOf ?? (() => undefined),
      values,
      requests,
    }),
  };
}
