/**
 * A health reading → metric points (the contract in docs/metrics.md):
 *   hardware  {node, tier, zone, role, profile}: temperatureC, fans, fansFailed, powerSupplies, powerSuppliesFailed
 *   component {node, component: fan|psu, index, name}: ok (1/0), state (the vendor's raw value)
 *   optic     {node, index, name}: rxDbm, txDbm
 *   sensor    {node, index, name, type: celsius|rpm|voltsDC|…}: value (base unit), ok (1/0) — ENTITY-SENSOR-MIB
 *   entity    {node, model, serial, hardwareRev, firmwareRev, softwareRev}: seen = 1 (on entity polls)
 *   module    {node, index, class, name, model, serial, hardwareRev, firmwareRev, softwareRev}: seen = 1 (same polls)
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
  for (const sensor of reading.sensors)
    points.push({
      measurement: 'sensor',
      tags: { node: node.id, index: sensor.index, name: sensor.name, type: sensor.type },
      fields:
        sensor.value === null ? { ok: sensor.ok ? 1 : 0 } : { value: sensor.value, ok: sensor.ok ? 1 : 0 },
      timeMs,
    });
  if (reading.chassis)
    points.push({
      measurement: 'entity',
      tags: { node: node.id, ...reading.chassis },
      fields: { seen: 1 },
      timeMs,
    });
  for (const part of reading.modules)
    points.push({ measurement: 'module', tags: { node: node.id, ...part }, fields: { seen: 1 }, timeMs });
  return points;
}
