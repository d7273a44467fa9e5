/**
 * What changed between a node's last recorded hardware and a new read: a new serial in a slot is a
 * module replaced (模块更换), a new firmware or software revision with the same serial is a firmware
 * upgrade (固件升级), a part that appears is inserted (模块插入) and one that disappears removed
 * (模块拔出). A node's first read is recorded, not a change.
 *
 * Parts are paired before they are compared, by serial first (the same part, wherever it now sits),
 * then by class and name ("PWR2" of class powerSupply: the slot a replacement went into). The slot
 * number (entPhysicalIndex) is never used to pair: after a reload a device may renumber its whole
 * entPhysicalTable, and the same serials under new indexes are the same hardware, not a storm of
 * removals and insertions. What stays unpaired was removed (before) or inserted (after).
 */
import type { AssetChangeEvent } from '../../../domain';
import type { AssetObservation, ModuleFacts, PartFacts } from './observation';

export type AssetChange = Omit<AssetChangeEvent, 'type'> & { partClass: string; container: string };

export interface KnownHardware {
  chassis: PartFacts;
  modules: readonly ModuleFacts[];
}

/** The chassis' own slot name in changes and the register. */
export const CHASSIS_SLOT = 'chassis';

const REVISIONS = ['firmwareRev', 'softwareRev'] as const;

interface Where {
  slot: string;
  slotName: string;
  partClass: string;
  container: string;
}

function partChanges(
  obs: AssetObservation,
  where: Where,
  before: PartFacts,
  after: PartFacts,
): AssetChange[] {
  const base = { node: obs.node, timeMs: obs.timeMs, ...where };
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

export interface PartPairing {
  /** [before, after]: the same part (same serial) or its replacement (same class and name). */
  pairs: Array<[ModuleFacts, ModuleFacts]>;
  removed: ModuleFacts[];
  inserted: ModuleFacts[];
}

const classAndName = (part: ModuleFacts) => `${part.class}\u0000${part.name}`;

/** Takes the first unpaired part of `pool` under `key` (parts sharing a key pair in read order). */
function takeFrom(pool: Map<string, ModuleFacts[]>, key: string): ModuleFacts | undefined {
  const list = pool.get(key);
  const part = list?.shift();
  if (list?.length === 0) pool.delete(key);
  return part;
}

function poolBy(
  parts: readonly ModuleFacts[],
  keyOf: (part: ModuleFacts) => string,
): Map<string, ModuleFacts[]> {
  const pool = new Map<string, ModuleFacts[]>();
  for (const part of parts) {
    const key = keyOf(part);
    if (key === '') continue;
    const list = pool.get(key) ?? [];
    list.push(part);
    pool.set(key, list);
  }
  return pool;
}

/** Pairs the parts of two reads by serial, then by class and name; never by slot number. */
export function pairParts(before: readonly ModuleFacts[], after: readonly ModuleFacts[]): PartPairing {
  const pairs: Array<[ModuleFacts, ModuleFacts]> = [];
  const bySerial = poolBy(before, (part) => part.serial);
  const paired = new Set<ModuleFacts>();
  const unpairedAfter: ModuleFacts[] = [];
  for (const part of after) {
    const same = part.serial === '' ? undefined : takeFrom(bySerial, part.serial);
    if (same) {
      pairs.push([same, part]);
      paired.add(same);
    } else unpairedAfter.push(part);
  }
  const byName = poolBy(
    before.filter((part) => !paired.has(part)),
    classAndName,
  );
  const inserted: ModuleFacts[] = [];
  for (const part of unpairedAfter) {
    const replaced = takeFrom(byName, classAndName(part));
    if (replaced) {
      pairs.push([replaced, part]);
      paired.add(replaced);
    } else inserted.push(part);
  }
  const removed = before.filter((part) => !paired.has(part));
  return { pairs, removed, inserted };
}

/**
 * A read that lists no parts at all where the last one listed some is a failed or cut-short walk of
 * the entity table, not every part pulled at once: the register keeps the parts it knew.
 */
export function lostAllParts(known: KnownHardware | null, obs: AssetObservation): boolean {
  return known !== null && known.modules.length > 0 && obs.modules.length === 0;
}

const whereOf = (part: ModuleFacts): Where => ({
  slot: part.slot,
  slotName: part.name,
  partClass: part.class,
  container: part.container,
});

function presenceChange(obs: AssetObservation, part: ModuleFacts, inserted: boolean): AssetChange {
  return {
    node: obs.node,
    timeMs: obs.timeMs,
    ...whereOf(part),
    change: inserted ? 'module-inserted' : 'module-removed',
    field: 'serial',
    oldValue: inserted ? '' : part.serial,
    newValue: inserted ? part.serial : '',
  };
}

/**
 * Changes since the known hardware; none on a node's first read. A node whose last read listed no
 * parts (its first with the entity table, or a register older than parts) has its parts recorded,
 * not reported inserted.
 */
export function assetChanges(known: KnownHardware | null, obs: AssetObservation): AssetChange[] {
  if (!known || lostAllParts(known, obs)) return [];
  const chassis: Where = {
    slot: CHASSIS_SLOT,
    slotName: obs.chassis.model || CHASSIS_SLOT,
    partClass: 'chassis',
    container: '',
  };
  const changes = partChanges(obs, chassis, known.chassis, obs.chassis);
  if (known.modules.length === 0) return changes;
  const { pairs, removed, inserted } = pairParts(known.modules, obs.modules);
  for (const [before, after] of pairs) changes.push(...partChanges(obs, whereOf(after), before, after));
  for (const part of removed) changes.push(presenceChange(obs, part, false));
  for (const part of inserted) changes.push(presenceChange(obs, part, true));
  return changes;
}
