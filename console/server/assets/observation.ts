/**
 * What one ENTITY-MIB read of a node says about its hardware, taken from a samples event: the chassis
 * (measurement `entity`) and every part with a serial (measurement `module`), docs/metrics.md.
 */
import type { MetricPoint, NodeId, SamplesEvent } from '../../../domain';
import { METRIC } from '../metric-names';

export interface PartFacts {
  model: string;
  serial: string;
  hardwareRev: string;
  firmwareRev: string;
  softwareRev: string;
}

export interface ModuleFacts extends PartFacts {
  /** entPhysicalIndex: the slot. */
  slot: string;
  /** entPhysicalClass in words: module, port, powerSupply, fan … */
  class: string;
  name: string;
  /** entPhysicalName of the entity holding the part; "" when the collector did not say. */
  container: string;
}

export interface AssetObservation {
  node: NodeId;
  timeMs: number;
  chassis: PartFacts;
  modules: ModuleFacts[];
}

const partOf = (tags: Record<string, string>): PartFacts => ({
  model: tags.model ?? '',
  serial: tags.serial ?? '',
  hardwareRev: tags.hardwareRev ?? '',
  firmwareRev: tags.firmwareRev ?? '',
  softwareRev: tags.softwareRev ?? '',
});

/** Null when this poll did not read the entity table (it is read every few polls). */
export function observationOf(event: SamplesEvent): AssetObservation | null {
  let chassis: MetricPoint | undefined;
  const modules: ModuleFacts[] = [];
  for (const point of event.points) {
    if (point.measurement === METRIC.entity.measurement) chassis = point;
    else if (point.measurement === METRIC.module.measurement && point.tags.index !== undefined)
      modules.push({
        slot: point.tags.index,
        class: point.tags.class ?? '',
        name: point.tags.name ?? point.tags.index,
        container: point.tags.container ?? '',
        ...partOf(point.tags),
      });
  }
  if (!chassis) return null;
  return { node: event.node, timeMs: chassis.timeMs, chassis: partOf(chassis.tags), modules };
}
