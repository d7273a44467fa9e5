/**
 * The 安全事件 page's county select: one option per county of the caller's tree (its topmost
 * county-level node, not its switch or MCU), by name; a county clicked in the counts that lies above
 * the tree is kept so the select shows what the search asks for.
 */
import { describe, expect, it } from 'vitest';
import type { TopologyNodeView } from '../../../console/shared';
import { countyChoices } from '../../../console/web/src/lib/security-counties';
import { nodeView } from './node-view';

const node = (
  id: string,
  name: string,
  parent: string | null,
  tier: TopologyNodeView['tier'],
): TopologyNodeView => nodeView(id, parent, tier, { name });

const byId = (nodes: TopologyNodeView[]) => new Map(nodes.map((n) => [n.id, n]));

const CITY = byId([
  node('city', '南阳市核心', null, 'city'),
  node('xc', '淅川县路由器', 'city', 'county'),
  node('xc-sw', '淅川县交换机', 'xc', 'county'),
  node('xc-town', '淅川县某镇', 'xc-sw', 'township'),
  node('wl', '宛城区路由器', 'city', 'district'),
  node('dept', '市财政局', 'city', 'department'),
]);

describe('county choices', () => {
  it('lists each county and district once, by its topmost node, sorted by name', () => {
    expect(countyChoices(CITY, '', [])).toEqual([
      { id: 'wl', name: '宛城区路由器' },
      { id: 'xc', name: '淅川县路由器' },
    ]);
  });

  it('keeps a chosen county above the tree, named as the counts name it', () => {
    const insideXichuan = byId([node('xc-sw', '淅川县交换机', 'xc', 'county')]);
    const counted = [{ county: 'xc', name: '淅川县路由器', total: 3, byCategory: {} }];
    expect(countyChoices(insideXichuan, 'xc', counted)).toEqual([
      { id: 'xc-sw', name: '淅川县交换机' },
      { id: 'xc', name: '淅川县路由器' },
    ]);
  });
});
