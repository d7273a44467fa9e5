/**
 * Asset faults: a technician replaces a part (module-swap: the slot reports a new serial) or upgrades
 * the system software (firmware-upgrade: the chassis and board revisions move on one release). Both
 * are one-shot, like a reboot: there is nothing to clear, the device simply is different afterwards.
 */
import type { Device } from './device';
import { physicalEntities, type PhysicalEntity } from './mib/entity';

export type AssetFault =
  /** `slot`: an entPhysicalName ("MPU 0", "PWR1", a port) or entPhysicalIndex; default the main board. */
  { kind: 'module-swap'; node: string; slot?: string } | { kind: 'firmware-upgrade'; node: string };

export const ASSET_FAULT_KINDS = ['module-swap', 'firmware-upgrade'] as const;

/** Parts a technician can swap: everything but the chassis itself. */
function swappable(dev: Device): PhysicalEntity[] {
  return physicalEntities(dev).filter((e) => e.containedIn !== 0);
}

function slotOf(dev: Device, slot: string | undefined): PhysicalEntity | null {
  const parts = swappable(dev);
  if (slot === undefined) return parts[0] ?? null;
  return parts.find((e) => e.name === slot || String(e.index) === slot) ?? null;
}

export function assetFaultProblem(dev: Device | undefined, fault: AssetFault): string | null {
  if (!dev) return `unknown node "${fault.node}"`;
  if (dev.family === 'net-snmp')
    return `node "${fault.node}" is a host (net-snmp): it has no ENTITY-MIB parts or vendor firmware to change`;
  if (fault.kind === 'module-swap' && !slotOf(dev, fault.slot)) {
    const names = swappable(dev).map((e) => e.name);
    return `node "${fault.node}" has no slot "${fault.slot ?? ''}" (slots: ${names.join(', ')})`;
  }
  return null;
}

/** Applies the fault; call only after assetFaultProblem said null. Returns what changed, in words. */
export function applyAssetFault(dev: Device, fault: AssetFault): string {
  const hw = dev.hardware;
  if (fault.kind === 'firmware-upgrade') {
    hw.upgrades++;
    return `${fault.node} upgraded (release ${hw.upgrades})`;
  }
  const part = slotOf(dev, fault.slot);
  if (!part) throw new Error(`no slot "${fault.slot ?? ''}" on "${fault.node}"`);
  hw.swaps.set(part.index, (hw.swaps.get(part.index) ?? 0) + 1);
  return `${fault.node} ${part.name} replaced`;
}
