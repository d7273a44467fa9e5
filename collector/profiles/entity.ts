/** ENTITY-MIB entPhysicalTable: the chassis' model, serial and revisions, and every entity's name and class. */
import { toNumber, toText, type Column } from '../snmp/session';

const ENT_PHYSICAL = '1.3.6.1.2.1.47.1.1.1.1';
export const ENTITY_COLUMNS = {
  descr: `${ENT_PHYSICAL}.2`,
  containedIn: `${ENT_PHYSICAL}.4`,
  class: `${ENT_PHYSICAL}.5`,
  name: `${ENT_PHYSICAL}.7`,
  hardwareRev: `${ENT_PHYSICAL}.8`,
  firmwareRev: `${ENT_PHYSICAL}.9`,
  softwareRev: `${ENT_PHYSICAL}.10`,
  serial: `${ENT_PHYSICAL}.11`,
  model: `${ENT_PHYSICAL}.13`,
} as const;
export const ENTITY_COLUMN_OIDS = Object.values(ENTITY_COLUMNS);

/** entPhysicalClass chassis(3) */
const CHASSIS = 3;
/** entPhysicalClass values (RFC 6933) in the words the asset register shows. */
const CLASS_NAMES: Record<number, string> = {
  1: 'other',
  2: 'unknown',
  3: 'chassis',
  4: 'backplane',
  5: 'container',
  6: 'powerSupply',
  7: 'fan',
  8: 'sensor',
  9: 'module',
  10: 'port',
  11: 'stack',
  12: 'cpu',
  13: 'energyObject',
  14: 'battery',
  15: 'storageDrive',
};

export interface Chassis {
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
}

/** A replaceable part with a serial number: a board, line card, optic, power supply or fan. */
export interface PhysicalModule extends Chassis {
  /** entPhysicalIndex: the slot the part sits in. */
  index: string;
  /** entPhysicalClass in words (module, port, powerSupply, fan, …). */
  class: string;
  name: string;
  /** entPhysicalName of the entity holding it (entPhysicalContainedIn); "" when unknown. */
  container: string;
}

export interface EntityTable {
  chassis: Chassis | null;
  /** Every non-chassis entity that reports a serial, by index order. */
  modules: PhysicalModule[];
  nameOf: Map<string, string>;
  classOf: Map<string, number>;
}

export function parseEntityTable(columns: readonly Column[]): EntityTable {
  const byName = new Map<string, Column | undefined>(ENTITY_COLUMN_OIDS.map((oid, i) => [oid, columns[i]]));
  const column = (oid: string) => byName.get(oid);
  const classOf = new Map<string, number>();
  for (const [index, vb] of column(ENTITY_COLUMNS.class) ?? []) {
    const value = toNumber(vb);
    if (value !== null) classOf.set(index, value);
  }
  const nameOf = new Map<string, string>();
  for (const [index, vb] of column(ENTITY_COLUMNS.name) ?? []) {
    const text = toText(vb);
    if (text) nameOf.set(index, text);
  }
  const containerOf = new Map<string, string>();
  for (const [index, vb] of column(ENTITY_COLUMNS.containedIn) ?? []) {
    const holder = toNumber(vb);
    if (holder !== null && holder !== 0) containerOf.set(index, String(holder));
  }
  const chassisIndex = [...classOf].find(([, cls]) => cls === CHASSIS)?.[0];
  const partAt = (index: string): Chassis => {
    const text = (oid: string) => (toText(column(oid)?.get(index)) ?? '').trim();
    return {
      model: text(ENTITY_COLUMNS.model) || text(ENTITY_COLUMNS.descr),
      serial: text(ENTITY_COLUMNS.serial),
      hardwareRev: text(ENTITY_COLUMNS.hardwareRev),
      firmwareRev: text(ENTITY_COLUMNS.firmwareRev),
      softwareRev: text(ENTITY_COLUMNS.softwareRev),
    };
  };
  const chassis = chassisIndex === undefined ? null : partAt(chassisIndex);
  const modules: PhysicalModule[] = [];
  for (const [index, cls] of classOf) {
    if (index === chassisIndex) continue;
    const part = partAt(index);
    if (!part.serial) continue;
    modules.push({
      index,
      class: CLASS_NAMES[cls] ?? String(cls),
      name: nameOf.get(index) ?? index,
      container: nameOf.get(containerOf.get(index) ?? '') ?? containerOf.get(index) ?? '',
      ...part,
    });
  }
  modules.sort((a, b) => Number(a.index) - Number(b.index) || a.index.localeCompare(b.index));
  return { chassis, modules, nameOf, classOf };
}
