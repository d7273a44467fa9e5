/**
 * A health reading → metric points (the contract in docs/metrics.md):
 *   hardware  {node, tier, zone, role, profile}: temperatureC, fans, fansFailed, powerSupplies, powerSuppliesFailed
 *   component {node, component: fan|psu, index, name}: ok (1/0), state (the vendor's raw value)
 *   optic     {node, index, name}: rxDbm, txDbm
 *   entity    {node, model, serial, hardwareRev, firmwareRev, softwareRev}: seen = 1 (on entity polls)
 * CPU and memory go on the node point with everything else (normalizer.ts).
 */
import type { InventoryNode, MetricPoint } from '../../domain';
import { nodeTags } from '../normalizer';
import type { ComponentState, HealthReading } from './poll';

function componentPoints(
  node: InventoryNode,
  kind: 'fan' | 'psu',
  states: readonly ComponentState[],
  timeMs: number,
): MetricPoint[] {
  return states.map((c) => ({
    measurement: 'component',
    tags: { node: node.id, component: kind, index: c.index, name: c.name },
    fields: { ok: c.ok ? 1 : 0, state: c.state },
    timeMs,
  }));
}

export function healthPoints(node: InventoryNode, reading: HealthReading, timeMs: number): MetricPoint[] {
  const points: MetricPoint[] = [];
  const hardware: Record<string, number> = {};
  if (reading.temperatureC !== null) hardware.temperatureC = reading.temperatureC;
  if (reading.fans.length > 0) {
    hardware.fans = reading.fans.length;
    hardware.fansFailed = reading.fans.filter((f) => !f.ok).length;
  }
  if (reading.powerSupplies.length > 0) {
    hardware.powerSupplies = reading.powerSupplies.length;
    hardware.powerSuppliesFailed = reading.powerSupplies.filter((p) => !p.ok).length;
  }
  if (Object.keys(hardware).length > 0)
    points.push({
      measurement: 'hardware',
      tags: { ...nodeTags(node), profile: reading.profile },
      fields: hardware,
      timeMs,
    });
  points.push(...componentPoints(node, 'fan', reading.fans, timeMs));
  points.push(...componentPoints(node, 'psu', reading.powerSupplies, timeMs));
  for (const optic of reading.optics) {
    const fields: Record<string, number> = {};
    if (optic.rxDbm !== null) fields.rxDbm = optic.rxDbm;
    if (optic.txDbm !== null) fields.txDbm = optic.txDbm;
    points.push({
      measurement: 'optic',
      tags: { node: node.id, index: optic.index, name: optic.name },
      fields,
      timeMs,
    });
  }
  if (reading.chassis)
    points.push({
      measurement: 'entity',
      tags: { node: node.id, ...reading.chassis },
      fields: { seen: 1 },
      timeMs,
    });
  return points;
}
