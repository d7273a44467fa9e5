/**
 * The county grid on the generated province: one block per city, in inventory order, holding every
 * county and city-level device collapsed to county level, a captioned column per zone; no two cells
 * or blocks overlap; cell texts drop what the city's title and the column's common ending already
 * say, never below two characters.
 */
import { describe, expect, it } from 'vitest';
import type { TopologyNodeView } from '../../../console/shared';
import { collapseBelowCounties } from '../../../console/web/src/lib/topology-layout';
import {
  GRID_CELL_H,
  GRID_CELL_W,
  GRID_DOT_X,
  layoutCountyGrid,
} from '../../../console/web/src/lib/topology-county-grid';
import { loadInventoryText } from '../../../inventory';
import { generateInventoryYaml } from '../../../inventory/generate';

const loaded = loadInventoryText('province.yaml', generateInventoryYaml());
if (!loaded.ok) throw new Error('the generated inventory does not load');
const NODES: TopologyNodeView[] = loaded.topology.nodes.map((n) => ({
  id: n.id,
  name: n.name,
  tier: n.tier,
  zone: n.zone,
  role: n.role,
  vendor: n.vendor,
  model: n.model,
  address: n.address,
  parent: n.parent ?? null,
  location: '',
  pollIntervalS: 60,
}));
const CHILDREN = new Map<string, TopologyNodeView[]>();
for (const n of NODES) if (n.parent !== null) CHILDREN.set(n.parent, [...(CHILDREN.get(n.parent) ?? []), n]);
const COLLAPSED = collapseBelowCounties(NODES, CHILDREN);

describe('layoutCountyGrid', () => {
  const layout = layoutCountyGrid(NODES, CHILDREN, COLLAPSED, null, 2);
  const grid = layout.grid;
  if (grid === undefined) throw new Error('no grid frame');

  it('puts every collapsed county in its city’s block, cities in inventory order', () => {
    expect(layout.shape).toBe('grid');
    for (const id of COLLAPSED) expect(layout.indexById.has(id), id).toBe(true);
    const heads = grid.blocks.map((b) => layout.nodes[b.head]?.id);
    const cities = NODES.filter(
      (n) => n.tier === 'city' && NODES.find((p) => p.id === n.parent)?.tier === 'province',
    );
    expect(heads).toEqual(['prov-core', ...cities.map((c) => c.id)]);
    const block = (id: string) =>
      grid.blocks.find((b) => {
        const n = layout.nodes[layout.indexById.get(id) ?? -1];
        return n !== undefined && n.x >= b.x && n.x < b.x + b.w && n.y >= b.y && n.y < b.y + b.h;
      });
    expect(block('c07-k03-gw')).toBe(block('c07-core'));
    expect(block('c07-k03-gw')).not.toBe(block('c08-core'));
    // Parents stay known (keyboard walking goes up to the city).
    expect(layout.nodes[layout.nodes[layout.indexById.get('c07-k03-gw') ?? -1]?.parent ?? -1]?.id).toBe(
      'c07-core',
    );
  });

  it('cells and blocks never overlap', () => {
    const cells = layout.nodes.map((n) => [n.x - GRID_DOT_X, n.y - GRID_CELL_H / 2] as const);
    const seen = new Set(
      cells.map(([x, y]) => `${Math.round((x / GRID_CELL_W) * 2)},${Math.round((y / GRID_CELL_H) * 2)}`),
    );
    expect(seen.size).toBe(cells.length);
    for (const [i, a] of grid.blocks.entries())
      for (const b of grid.blocks.slice(i + 1))
        expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
  });

  it('fills a wide area in rows, a narrow one in more rows', () => {
    const [, , wideW, wideH] = grid.bounds;
    const narrow = layoutCountyGrid(NODES, CHILDREN, COLLAPSED, null, 0.8).grid?.bounds ?? [0, 0, 0, 0];
    expect(wideW / wideH).toBeGreaterThan(narrow[2] / narrow[3]);
  });

  it('a county’s external gateway and internal router sit in their zones’ captioned columns', () => {
    const at = (id: string) => layout.nodes[layout.indexById.get(id) ?? -1];
    const gw = at('c01-k01-gw');
    const internal = at('c01-k01-in');
    expect(gw?.x).toBeLessThan(internal?.x ?? 0);
    const block = grid.blocks.find((b) => layout.nodes[b.head]?.id === 'c01-core');
    expect(block?.columns.map((c) => c.zone)).toEqual(['external', 'internal']);
    expect(block?.columns[0]?.x).toBe((gw?.x ?? 0) - GRID_DOT_X);
    expect(block?.columns[1]?.x).toBe((internal?.x ?? 0) - GRID_DOT_X);
  });

  it('cell texts keep what tells counties apart', () => {
    const text = (id: string) => grid.labels[layout.indexById.get(id) ?? -1];
    expect(text('c01-core')).toBe('广州市电子政务核心路由器');
    expect(text('c01-k01-gw')).toBe('东城区');
    expect(text('c01-k01-in')).toBe('东城区');
    expect(text('c01-in-core')).toBe('内网核心路由器');
    for (const label of grid.labels) expect(label.length).toBeGreaterThanOrEqual(2);
  });
});
