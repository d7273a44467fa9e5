/**
 * What changed between a node's last recorded hardware and a new read: a new serial in a slot is a
 * module replaced (模块更换), a new firmware or software revision with the same serial is a firmware
 * upgrade (固件升级). A node's first read and slots seen for the first time are recorded, not changes.
 */
import type { AssetChangeEvent } from '../../../domain';
import type { AssetObservation, ModuleFacts, PartFacts } from './observation';

export type AssetChange = Omit<AssetChangeEvent, 'type'>;

export interface KnownHardware {
  chassis: PartFacts;
  /** slot → the part last read there */
  modules: ReadonlyMap<string, ModuleFacts>;
}

/** The chassis' own slot name in changes and the register. */
export const CHASSIS_SLOT = 'chassis';

const REVISIONS = ['firmwareRev', 'softwareRev'] as const;

function partChanges(
  obs: AssetObservation,
  slot: string,
  slotName: string,
  before: PartFacts,
  after: PartFacts,
): AssetChange[] {
  const base = { node: obs.node, timeMs: obs.timeMs, slot, slotName };
  // A part without a serial cannot be told apart from its replacement: compare revisions only.
  if (before.serial !== after.serial && before.serial !== '' && after.serial !== '')
    return [
      {
        ...base,
        change: 'module-replaced',
        field: 'serial',
        oldValue: before.serial,
        newValue: after.serial,
      },
    ];
  const changed = (field: (typeof REVISIONS)[number]) =>
    before[field] !== after[field] && before[field] !== '' && after[field] !== '';
  return REVISIONS.filter(changed).map((field) => ({
    ...base,
    change: 'firmware-upgraded' as const,
    field,
    oldValue: before[field],
    newValue: after[field],
  }));
}

export function assetChanges(known: KnownHardware | null, obs: AssetObservation): AssetChange[] {
  if (!known) return [];
  const changes = partChanges(
    obs,
    CHASSIS_SLOT,
    obs.chassis.model || CHASSIS_SLOT,
    known.chassis,
    obs.chassis,
  );
  for (const part of obs.modules) {
    const before = known.modules.get(part.slot);
    if (before) changes.push(...partChanges(obs, part.slot, part.name, before, part));
  }
  return changes;
}
