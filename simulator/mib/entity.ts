/**
 * ENTITY-MIB entPhysicalTable (RFC 6933) for a simulated device: chassis, main board, power supplies,
 * fans and the ports that hold an optical module. The vendor MIBs index their tables by these rows.
 */
import type { Device, IfState } from '../device';
import {
  FAN_COUNT,
  isOpticalPort,
  PSU_COUNT,
  slotSerial,
  type HardwareState,
  type VendorFamily,
} from '../hardware';
import { entry, type Entry } from './entry';

const ENT_PHYSICAL = [1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1];

/** entPhysicalClass */
export const ENTITY_CLASS = { chassis: 3, powerSupply: 6, fan: 7, module: 9, port: 10 } as const;

export interface PhysicalEntity {
  index: number;
  class: number;
  name: string;
  descr: string;
  containedIn: number;
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
}

export const CHASSIS_INDEX = 1;
export const BOARD_INDEX = 2;
export const psuIndex = (n: number) => 3 + n;
export const fanIndex = (n: number) => 3 + PSU_COUNT + n;
export const portIndex = (position: number) => 100 + position;
/** Line cards module-insert adds: indexes 50–99, between the fans and the ports. */
export const lineCardIndex = (n: number) => 50 + n;
export const MAX_LINE_CARDS = 50;

const MANUFACTURER: Record<VendorFamily, string> = {
  huawei: 'Huawei Technologies Co., Ltd.',
  h3c: 'New H3C Technologies Co., Ltd.',
  cisco: 'Cisco Systems, Inc.',
  ruijie: 'Ruijie Networks Co., Ltd.',
  zte: 'ZTE Corporation',
  'net-snmp': '',
};

/** The release a device runs after `upgrades` firmware-upgrade faults (0: as shipped). */
const SOFTWARE: Record<VendorFamily, (upgrades: number) => string> = {
  huawei: (n) => `V800R012C10SPC${300 + 100 * n}`,
  h3c: (n) => `7.1.070, Release ${7595 + 10 * n}`,
  cisco: (n) => `15.2(4)M${7 + n}`,
  ruijie: (n) => `RGOS 11.4(1)B12P${28 + n}`,
  zte: (n) => `V5.00.${10 + n}`,
  'net-snmp': () => '',
};

const hasSoftware = (cls: number) => cls === ENTITY_CLASS.chassis || cls === ENTITY_CLASS.module;

export function softwareRevOf(family: VendorFamily, cls: number, hw: HardwareState): string {
  return hasSoftware(cls) ? SOFTWARE[family](hw.upgrades) : '';
}

/** Boards carry their own firmware (BootROM), upgraded with the system software. */
export function firmwareRevOf(cls: number, hw: HardwareState): string {
  return cls === ENTITY_CLASS.module ? `1.${12 + hw.upgrades}` : '';
}

/** Every part the device has a slot for, pulled ones included (what module-insert can put back). */
export function slotEntities(dev: Device): PhysicalEntity[] {
  const family = dev.family;
  const model = dev.node.model;
  const id = dev.node.id;
  const part = (index: number, cls: number, name: string, partModel: string, containedIn: number) => ({
    index,
    class: cls,
    name,
    descr: `${name} ${partModel}`.trim(),
    containedIn,
    model: partModel,
    serial: slotSerial(family, id, index, dev.hardware),
    hardwareRev: hasSoftware(cls) ? 'REV A' : '',
    firmwareRev: firmwareRevOf(cls, dev.hardware),
    softwareRev: softwareRevOf(family, cls, dev.hardware),
  });
  const out: PhysicalEntity[] = [
    part(CHASSIS_INDEX, ENTITY_CLASS.chassis, model, model, 0),
    part(BOARD_INDEX, ENTITY_CLASS.module, family === 'cisco' ? 'Motherboard' : 'MPU 0', `${model}-MPU`, 1),
  ];
  for (let n = 0; n < PSU_COUNT; n++)
    out.push(part(psuIndex(n), ENTITY_CLASS.powerSupply, `PWR${n + 1}`, 'PAC-600WA', CHASSIS_INDEX));
  for (let n = 0; n < FAN_COUNT; n++)
    out.push(part(fanIndex(n), ENTITY_CLASS.fan, `FAN${n + 1}`, 'FAN-40SB', CHASSIS_INDEX));
  dev.ifs.forEach((s: IfState, position) => {
    if (!isOpticalPort(s)) return;
    out.push(part(portIndex(position), ENTITY_CLASS.port, s.plan.name, 'SFP-GE-LX-SM1310', BOARD_INDEX));
  });
  for (let n = 0; n < dev.hardware.lineCards; n++)
    out.push(part(lineCardIndex(n), ENTITY_CLASS.module, `LPU ${n + 1}`, `${model}-LPU`, CHASSIS_INDEX));
  return out;
}

/** The parts in the device now: its slots' parts less those module-remove pulled. */
export function physicalEntities(dev: Device): PhysicalEntity[] {
  const all = slotEntities(dev);
  const removed = dev.hardware.removed;
  return removed.size === 0 ? all : all.filter((e) => !removed.has(e.index));
}

const text = (value: string) => Buffer.from(value);

/** Serials and revisions are read when asked: module-swap and firmware-upgrade change them while running. */
export function entityEntries(dev: Device): Entry[] {
  const out: Entry[] = [];
  const manufacturer = text(MANUFACTURER[dev.family]);
  const hw = dev.hardware;
  for (const e of physicalEntities(dev)) {
    const o = (col: number) => [...ENT_PHYSICAL, col, e.index];
    out.push(
      entry(o(2), (w) => w.octets(text(e.descr))),
      entry(o(4), (w) => w.int(e.containedIn)),
      entry(o(5), (w) => w.int(e.class)),
      entry(o(7), (w) => w.octets(text(e.name))),
      entry(o(8), (w) => w.octets(text(e.hardwareRev))),
      entry(o(9), (w) => w.octets(text(firmwareRevOf(e.class, hw)))),
      entry(o(10), (w) => w.octets(text(softwareRevOf(dev.family, e.class, hw)))),
      entry(o(11), (w) => w.octets(text(slotSerial(dev.family, dev.node.id, e.index, hw)))),
      entry(o(12), (w) => w.octets(manufacturer)),
      entry(o(13), (w) => w.octets(text(e.model))),
    );
  }
  return out;
}
