/**
 * Asset faults: a technician replaces a part (module-swap: the slot reports a new serial), upgrades
 * the system software (firmware-upgrade: the chassis and board revisions move on one release), pulls
 * a part (module-remove: it leaves entPhysicalTable) or inserts one (module-insert: a pulled part put
 * back, or a new line card in a spare slot). All are one-shot, like a reboot: there is nothing to
 * clear, the device simply is different afterwards.
 */
import type { Device } from './device';
import {
  BOARD_INDEX,
  lineCardIndex,
  MAX_LINE_CARDS,
  physicalEntities,
  slotEntities,
  type PhysicalEntity,
} from './mib/entity';

export type AssetFault =
  /** `slot`: an entPhysicalName ("MPU 0", "PWR1", a port) or entPhysicalIndex; default the main board. */
  | { kind: 'module-swap'; node: string; slot?: string }
  | { kind: 'firmware-upgrade'; node: string }
  /** `slot`: the part to pull, by entPhysicalName or entPhysicalIndex (not the chassis or main board). */
  | { kind: 'module-remove'; node: string; slot: string }
  /** `slot`: a pulled part to put back; without it a new line card goes into a spare slot. */
  | { kind: 'module-insert'; node: string; slot?: string };

export const ASSET_FAULT_KINDS = [
  'module-swap',
  'firmware-upgrade',
  'module-remove',
  'module-insert',
] as const;

/** Parts a technician can swap: everything but the chassis itself. */
function swappable(dev: Device): PhysicalEntity[] {
  return physicalEntities(dev).filter((e) => e.containedIn !== 0);
}

/** Parts a technician can pull: the main board carries the device, so not it either. */
function removable(dev: Device): PhysicalEntity[] {
  return swappable(dev).filter((e) => e.index !== BOARD_INDEX);
}

const named = (parts: PhysicalEntity[], slot: string) =>
  parts.find((e) => e.name === slot || String(e.index) === slot) ?? null;

function slotOf(dev: Device, slot: string | undefined): PhysicalEntity | null {
  const parts = swappable(dev);
  if (slot === undefined) return parts[0] ?? null;
  return named(parts, slot);
}

/** A pulled part by name or index. */
function pulledPart(dev: Device, slot: string): PhysicalEntity | null {
  return named(
    slotEntities(dev).filter((e) => dev.hardware.removed.has(e.index)),
    slot,
  );
}

function insertProblem(dev: Device, node: string, slot: string | undefined): string | null {
  if (slot === undefined)
    return dev.hardware.lineCards >= MAX_LINE_CARDS ? `node "${node}" has no spare slot left` : null;
  if (pulledPart(dev, slot)) return null;
  if (named(physicalEntities(dev), slot)) return `node "${node}" already has "${slot}" in place`;
  const pulled = slotEntities(dev).filter((e) => dev.hardware.removed.has(e.index));
  return `node "${node}" has no pulled part "${slot}" (pulled: ${pulled.map((e) => e.name).join(', ') || 'none'}; without a slot a new line card is inserted)`;
}

function slotProblem(dev: Device, fault: AssetFault): string | null {
  switch (fault.kind) {
    case 'firmware-upgrade':
      return null;
    case 'module-swap':
      if (slotOf(dev, fault.slot)) return null;
      return `node "${fault.node}" has no slot "${fault.slot ?? ''}" (slots: ${swappable(dev)
        .map((e) => e.name)
        .join(', ')})`;
    case 'module-remove':
      if (named(removable(dev), fault.slot)) return null;
      return `node "${fault.node}" has no part "${fault.slot}" to pull (parts: ${removable(dev)
        .map((e) => e.name)
        .join(', ')}; the chassis and main board stay)`;
    case 'module-insert':
      return insertProblem(dev, fault.node, fault.slot);
  }
}

export function assetFaultProblem(dev: Device | undefined, fault: AssetFault): string | null {
  if (!dev) return `unknown node "${fault.node}"`;
  if (dev.family === 'net-snmp')
    return `node "${fault.node}" is a host (net-snmp): it has no ENTITY-MIB parts or vendor firmware to change`;
  return slotProblem(dev, fault);
}

function swap(dev: Device, node: string, slot: string | undefined): string {
  const part = slotOf(dev, slot);
  if (!part) throw new Error(`no slot "${slot ?? ''}" on "${node}"`);
  dev.hardware.swaps.set(part.index, (dev.hardware.swaps.get(part.index) ?? 0) + 1);
  return `${node} ${part.name} replaced`;
}

function remove(dev: Device, node: string, slot: string): string {
  const part = named(removable(dev), slot);
  if (!part) throw new Error(`no part "${slot}" to pull on "${node}"`);
  dev.hardware.removed.add(part.index);
  dev.hardware.layout++;
  return `${node} ${part.name} removed`;
}

function insert(dev: Device, node: string, slot: string | undefined): string {
  const hw = dev.hardware;
  if (slot === undefined) {
    hw.lineCards++;
    hw.layout++;
    return `${node} LPU ${hw.lineCards} inserted (entPhysicalIndex ${lineCardIndex(hw.lineCards - 1)})`;
  }
  const part = pulledPart(dev, slot);
  if (!part) throw new Error(`no pulled part "${slot}" on "${node}"`);
  hw.removed.delete(part.index);
  hw.layout++;
  return `${node} ${part.name} inserted`;
}

/** Applies the fault; call only after assetFaultProblem said null. Returns what changed, in words. */
export function applyAssetFault(dev: Device, fault: AssetFault): string {
  switch (fault.kind) {
    case 'firmware-upgrade':
      dev.hardware.upgrades++;
      return `${fault.node} upgraded (release ${dev.hardware.upgrades})`;
    case 'module-swap':
      return swap(dev, fault.node, fault.slot);
    case 'module-remove':
      return remove(dev, fault.node, fault.slot);
    case 'module-insert':
      return insert(dev, fault.node, fault.slot);
  }
}
