/** The node page's hardware panel from the newest hardware, component, optic and entity points. */
import type { MetricPoint, NodeId } from '../../domain';
import type { NodeHardwareView } from '../shared';
import { METRIC } from './metric-names';

export function nodeHardware(
  latestPoints: (node: NodeId, measurement: string) => MetricPoint[],
  node: NodeId,
): NodeHardwareView | null {
  const hardware = latestPoints(node, METRIC.hardware.measurement)[0];
  if (!hardware) return null;
  const entity = latestPoints(node, METRIC.entity.measurement).sort((a, b) => b.timeMs - a.timeMs)[0];
  const tag = (name: string) => entity?.tags[name] ?? '';
  type Component = NodeHardwareView['components'][number];
  const components = latestPoints(node, METRIC.component.measurement).flatMap((point): Component[] => {
    const kind = point.tags[METRIC.component.kindTag];
    if (kind !== 'fan' && kind !== 'psu') return [];
    return [
      {
        component: kind,
        name: point.tags[METRIC.component.nameTag] ?? '',
        ok: point.fields[METRIC.component.ok] !== 0,
      },
    ];
  });
  const optics = latestPoints(node, METRIC.optic.measurement).map((point) => ({
    name: point.tags[METRIC.optic.nameTag] ?? '',
    rxDbm: point.fields[METRIC.optic.rxDbm] ?? null,
    txDbm: point.fields[METRIC.optic.txDbm] ?? null,
  }));
  return {
    profile: hardware.tags[METRIC.hardware.profileTag] ?? '',
    temperatureC: hardware.fields[METRIC.hardware.temperatureC] ?? null,
    chassis: entity
      ? {
          model: tag('model'),
          serial: tag('serial'),
          hardwareRev: tag('hardwareRev'),
          firmwareRev: tag('firmwareRev'),
          softwareRev: tag('softwareRev'),
        }
      : null,
    components: components.sort(
      (a, b) => a.component.localeCompare(b.component) || a.name.localeCompare(b.name),
    ),
    optics: optics.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
