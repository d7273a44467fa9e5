/** ENTITY-MIB entPhysicalTable: the chassis' model, serial and revisions, and every entity's name and class. */
import { toNumber, toText, type Column } from '../snmp/session';

const ENT_PHYSICAL = '1.3.6.1.2.1.47.1.1.1.1';
export const ENTITY_COLUMNS = {
  descr: `${ENT_PHYSICAL}.2`,
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

export interface Chassis {
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
}

export interface EntityTable {
  chassis: Chassis | null;
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
  const chassisIndex = [...classOf].find(([, cls]) => cls === CHASSIS)?.[0];
  const text = (oid: string) =>
    chassisIndex === undefined ? '' : (toText(column(oid)?.get(chassisIndex)) ?? '').trim();
  const chassis =
    chassisIndex === undefined
      ? null
      : {
          model: text(ENTITY_COLUMNS.model) || text(ENTITY_COLUMNS.descr),
          serial: text(ENTITY_COLUMNS.serial),
          hardwareRev: text(ENTITY_COLUMNS.hardwareRev),
          firmwareRev: text(ENTITY_COLUMNS.firmwareRev),
          softwareRev: text(ENTITY_COLUMNS.softwareRev),
        };
  return { chassis, nameOf, classOf };
}
