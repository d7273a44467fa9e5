/** A topology node as the console's browser code gets it: a Huawei router unless `overrides` say otherwise. */
import type { TopologyNodeView } from '../../../console/shared';

export function nodeView(
  id: string,
  parent: string | null,
  tier: TopologyNodeView['tier'],
  overrides: Partial<TopologyNodeView> = {},
): TopologyNodeView {
  return {
    id,
    name: id,
    tier,
    zone: 'internal',
    role: 'router',
    vendor: 'huawei',
    model: 'AR',
    address: '10.0.0.1',
    parent,
    location: '',
    pollIntervalS: 60,
    ...overrides,
  };
}
