import { expect, test } from 'vitest';
import type { Alert } from '../../../console/shared';
import { groupIncidents } from '../../../console/web/src/lib/incidents';

const alert = (id: string, field: string, link: string | null, status: Alert['status'] = 'firing'): Alert =>
  ({
    id,
    kind: link === null ? 'reboot' : 'threshold',
    status,
    params: link === null ? {} : { measurement: 'video', field, link: `链路 ${link}` },
    labels: link === null ? {} : { link },
  }) as unknown as Alert;

test('a video link’s MOS, loss and jitter alerts become one incident where its first member stood', () => {
  const items = groupIncidents([
    alert('r1', '', null),
    alert('m', 'mos', 'vc-a'),
    alert('x', 'lossPct', 'vc-b'),
    alert('l', 'lossPct', 'vc-a'),
    alert('j', 'jitterMs', 'vc-a'),
  ]);
  expect(
    items.map((item) => (item.type === 'alert' ? item.alert.id : `${item.key}:${item.alerts.length}`)),
  ).toEqual(['r1', 'video:vc-a:3', 'x']);
  const incident = items[1];
  expect(incident?.type === 'incident' && incident.link).toBe('链路 vc-a');
});

test('one alert of a link, or resolved ones, stay single rows', () => {
  const items = groupIncidents([alert('m', 'mos', 'vc-a'), alert('l', 'lossPct', 'vc-a', 'resolved')]);
  expect(items.map((item) => item.type)).toEqual(['alert', 'alert']);
});
