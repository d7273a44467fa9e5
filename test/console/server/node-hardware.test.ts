import { describe, expect, it } from 'vitest';
import { nodeHardware } from '../../../console/server/node-hardware';
import { asNodeId, type MetricPoint } from '../../../domain';

const node = asNodeId('hw-core');
const at = 1_800_000_000_000;
const point = (
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, number>,
  timeMs = at,
) => ({ measurement, tags: { node, ...tags }, fields, timeMs }) satisfies MetricPoint;

describe('the node page hardware panel', () => {
  it('is null until the collector has read the device profile', () => {
    expect(nodeHardware(() => [], node)).toBeNull();
  });

  it('shows the chassis, temperature, failed components and optics from the newest points', () => {
    const points: MetricPoint[] = [
      point('hardware', { profile: 'huawei-vrp' }, { temperatureC: 86, fans: 2, fansFailed: 1 }),
      point('component', { component: 'psu', index: '0.1', name: 'PWR2' }, { ok: 1, state: 1 }),
      point('component', { component: 'fan', index: '0.0', name: 'FAN 0.0' }, { ok: 0, state: 2 }),
      point('optic', { index: '104', name: 'GE0/0/1' }, { rxDbm: -28, txDbm: -1.5 }),
      point(
        'entity',
        { model: 'NE40E-X8', serial: 'OLD', hardwareRev: 'REV A', firmwareRev: '', softwareRev: '' },
        { seen: 1 },
        at - 60_000,
      ),
      point(
        'entity',
        {
          model: 'NE40E-X8',
          serial: '2102351931P0ABC',
          hardwareRev: 'REV A',
          firmwareRev: '1.12',
          softwareRev: 'V800R012C10SPC300',
        },
        { seen: 1 },
      ),
    ];
    const byMeasurement = (_: unknown, measurement: string) =>
      points.filter((p) => p.measurement === measurement);
    expect(nodeHardware(byMeasurement, node)).toEqual({
      profile: 'huawei-vrp',
      temperatureC: 86,
      chassis: {
        model: 'NE40E-X8',
        serial: '2102351931P0ABC',
        hardwareRev: 'REV A',
        firmwareRev: '1.12',
        softwareRev: 'V800R012C10SPC300',
      },
      components: [
        { component: 'fan', name: 'FAN 0.0', ok: false },
        { component: 'psu', name: 'PWR2', ok: true },
      ],
      optics: [{ name: 'GE0/0/1', rxDbm: -28, txDbm: -1.5 }],
    });
  });
});
