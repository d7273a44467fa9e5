/**
 * A simulated device's hardware: which vendor's MIBs it answers (its family), its chassis, boards,
 * fans, power supplies and optical modules, and what the hardware faults (fan-fail, psu-fail,
 * overheat, optic-degraded) do to them. Values are functions of the node and the clock; the vendor MIB
 * files (mib/vendor-*.ts) only encode them.
 */
import type { InventoryNode } from '../domain';
import type { IfState } from './device';
import { hash32, unit } from './traffic';

/** Whose MIBs a node answers: network devices their vendor's, hosts (and unknown vendors) net-snmp's. */
export type VendorFamily = 'huawei' | 'h3c' | 'cisco' | 'ruijie' | 'zte' | 'net-snmp';

const NETWORK_VENDORS: ReadonlySet<string> = new Set(['huawei', 'h3c', 'cisco', 'ruijie', 'zte']);

export function familyOf(node: InventoryNode): VendorFamily {
  if (node.role === 'server') return 'net-snmp';
  const vendor = node.vendor.toLowerCase();
  return NETWORK_VENDORS.has(vendor) ? (vendor as VendorFamily) : 'net-snmp';
}

/** Hardware faults held on a device (counts: two faults of a kind need two clears). */
export interface HardwareState {
  fanFailures: number;
  psuFailures: number;
  overheat: number;
  /** ifIndex → active optic-degraded faults on that port's module. */
  degradedOptics: Map<number, number>;
  /** entPhysicalIndex → how many times module-swap replaced the part in that slot (a new serial each time). */
  swaps: Map<number, number>;
  /** firmware-upgrade faults so far: the software and firmware revisions move on by one release each. */
  upgrades: number;
  /** entPhysicalIndex of the parts module-remove pulled (gone from entPhysicalTable until put back). */
  removed: Set<number>;
  /** Line cards module-insert added in spare slots (LPU 1, LPU 2 …). */
  lineCards: number;
  /** Moves on when a part appears or disappears: the agent rebuilds its entity rows. */
  layout: number;
}

export function newHardwareState(): HardwareState {
  return {
    fanFailures: 0,
    psuFailures: 0,
    overheat: 0,
    degradedOptics: new Map(),
    swaps: new Map(),
    upgrades: 0,
    removed: new Set(),
    lineCards: 0,
    layout: 0,
  };
}

export const FAN_COUNT = 2;
export const PSU_COUNT = 2;
export const OVERHEAT_C = 86;

/** Board temperature: 36–48 °C by node, a little warmer in working hours; 86 °C while overheating. */
export function temperatureC(node: InventoryNode, hw: HardwareState, now: number): number {
  if (hw.overheat > 0) return OVERHEAT_C;
  const hour = Math.floor(now / 3_600_000);
  return Math.round(36 + 10 * unit(`${node.id}#temp`) + 2 * unit(`${node.id}@temp${hour}`));
}

export function memoryPct(node: InventoryNode, now: number): number {
  const drift = 4 * Math.sin(now / 3_600_000 + hash32(node.id));
  return Math.round(38 + 25 * unit(`${node.id}#mem`) + drift);
}

/** Fan n (0-based) is healthy unless a fan-fail fault holds it (the first fan fails first). */
export function fanOk(hw: HardwareState, n: number): boolean {
  return n >= hw.fanFailures;
}

/** Power supply n (0-based): the last one fails first (the redundant feed). */
export function psuOk(hw: HardwareState, n: number): boolean {
  return n < PSU_COUNT - hw.psuFailures;
}

/** Ports with an optical module: those carrying an inventory fibre link. */
export function opticalPorts(ifs: readonly IfState[]): IfState[] {
  return ifs.filter(isOpticalPort);
}

export const isOpticalPort = (s: IfState): boolean => s.plan.link?.medium === 'fiber';

/** Received optical power, dBm: −3 to −7 normally, −28 (a dirty or bent fibre) while degraded. */
export function rxDbm(node: InventoryNode, hw: HardwareState, ifIndex: number): number {
  if ((hw.degradedOptics.get(ifIndex) ?? 0) > 0) return -28;
  return -3 - Math.round(40 * unit(`${node.id}#rx${ifIndex}`)) / 10;
}

export function txDbm(node: InventoryNode, ifIndex: number): number {
  return -1 - Math.round(20 * unit(`${node.id}#tx${ifIndex}`)) / 10;
}

export const dbmToMicrowatts = (dbm: number): number => Math.round(1000 * 10 ** (dbm / 10));

/** The serial of the part in a slot now: the one first fitted, or the n-th replacement. */
export function slotSerial(family: VendorFamily, nodeId: string, index: number, hw: HardwareState): string {
  const swaps = hw.swaps.get(index) ?? 0;
  return serialOf(family, nodeId, swaps > 0 ? `${index}#swap${swaps}` : String(index));
}

/** A serial number in the vendor's style, stable per node and part. */
export function serialOf(family: VendorFamily, nodeId: string, part: string): string {
  const h = hash32(`${nodeId}#serial#${part}`).toString(36).toUpperCase().padStart(7, '0');
  if (family === 'huawei') return `2102351931P0${h.slice(0, 8).padEnd(8, '0')}`;
  if (family === 'h3c') return `210235A1JSH${h.slice(0, 9).padEnd(9, '0')}`;
  if (family === 'cisco') return `FOC${h.slice(0, 8).padEnd(8, '0')}`;
  if (family === 'ruijie') return `G1${h.slice(0, 11).padEnd(11, '0')}`;
  if (family === 'zte')
    return `7024${String(hash32(`${nodeId}#zte#${part}`))
      .padStart(10, '0')
      .slice(0, 8)}`;
  return `NS${h}`;
}
