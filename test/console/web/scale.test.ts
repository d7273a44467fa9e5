/**
 * The pure parts behind the overview, device table and county tree: one status per node counted
 * once, areas rolled up worst first, device filters/sort/CSV, keyboard moves, the tree layout.
 */
import { describe, expect, it } from 'vitest';
import {
  areaName,
  cityRows,
  countyOf,
  indexStatus,
  membershipOf,
  type NodeLiveState,
  type TopologyNodeView,
} from '../../../console/shared';
import { devicesCsv, filterDevices, sortDevices, NO_FILTER } from '../../../console/web/src/lib/device-rows';
import { BoxGrid } from '../../../console/web/src/lib/label-grid';
import { moveSelection } from '../../../console/web/src/lib/map-keys';
import { layoutSubtree, TREE_COLUMN } from '../../../console/web/src/lib/topology-tree-layout';
import { nodeView } from './node-view';

const node = (
  id: string,
  parent: string | null,
  tier: TopologyNodeView['tier'],
  address = '10.0.0.1',
): TopologyNodeView => nodeView(id, parent, tier, { name: `${id}县政府内网路由器`, address });

const NODES = [
  node('city', null, 'city', '10.0.0.1'),
  node('dept', 'city', 'department', '10.0.0.20'),
  node('a', 'city', 'county', '10.0.1.1'),
  node('a-sw', 'a', 'county', '10.0.1.2'),
  node('a-t1', 'a-sw', 'township', '10.0.1.10'),
  node('a-t2', 'a-sw', 'township', '10.0.1.9'),
  node('b', 'city', 'county', '10.0.2.1'),
  node('b-t1', 'b', 'township', '10.0.2.10'),
];
const BY_ID = new Map(NODES.map((n) => [n.id, n]));
const CHILDREN = new Map<string, TopologyNodeView[]>();
for (const n of NODES) if (n.parent !== null) CHILDREN.set(n.parent, [...(CHILDREN.get(n.parent) ?? []), n]);

function live(id: string, patch: Partial<NodeLiveState> = {}): NodeLiveState {
  return {
    id,
    reachability: 'reachable',
    lastSeenMs: 1,
    stale: false,
    worstSeverity: null,
    impactedBy: null,
    rootCauseAlertId: null,
    cpuPct: 5,
    ...patch,
  };
}

/** County b's gateway is the root cause; its township is cut off behind it; a township in a is down alone. */
const STATE = new Map(
  NODES.map((n) => [n.id, live(n.id)] as const).concat([
    ['b', live('b', { reachability: 'unreachable', rootCauseAlertId: 'al-1' })],
    ['b-t1', live('b-t1', { reachability: 'unreachable', impactedBy: 'al-1' })],
    ['a-t2', live('a-t2', { reachability: 'unreachable' })],
  ]),
);
const STATUS = indexStatus({ nodeState: STATE, openAlerts: [] });

describe('node status', () => {
  it('counts a fault once: the cause is down, the nodes behind it impacted', () => {
    expect(STATUS.statusOf('b')).toBe('down');
    expect(STATUS.statusOf('b-t1')).toBe('impacted');
    expect(STATUS.statusOf('a-t2')).toBe('down');
    expect(STATUS.statusOf('a')).toBe('ok');
    expect(STATUS.isRootCause('b')).toBe(true);
  });
});

describe('overview rows', () => {
  it('groups by the topmost county node, worst county first, city-level nodes in their own cell', () => {
    expect(countyOf('a-t1', BY_ID)?.id).toBe('a');
    const rows = cityRows(NODES, BY_ID, membershipOf(NODES, BY_ID), STATUS, 'net');
    expect(rows).toHaveLength(1);
    const cells = rows[0]?.cells ?? [];
    expect(cells.map((c) => (c.cityLevel ? 'city-level' : c.id))).toEqual(['b', 'a', 'city-level']);
    expect(cells[0]?.group.counts.down).toBe(1);
    expect(cells[0]?.group.counts.impacted).toBe(1);
    expect(cells[1]?.group.worstNode).toBe('a-t2');
  });

  it('names an area by its administrative prefix', () => {
    expect(areaName('淅川县政府内网路由器')).toBe('淅川县');
    expect(areaName('南阳市电子政务内网核心路由器')).toBe('南阳市');
    expect(areaName('省视频会议MCU')).toBe('省视频会议MCU');
  });
});

describe('device rows', () => {
  it('filters faults, sorts addresses numerically and writes CSV a spreadsheet will not execute', () => {
    const faults = filterDevices(NODES, { ...NO_FILTER, status: 'faults' }, STATUS.statusOf);
    expect(faults.map((n) => n.id).sort()).toEqual(['a-t2', 'b', 'b-t1']);
    const byAddress = sortDevices([...NODES], { column: 'address', descending: false }, STATUS.statusOf);
    expect(byAddress.map((n) => n.address).slice(4, 6)).toEqual(['10.0.1.9', '10.0.1.10']);
    const hostile = { ...node('x', null, 'city'), name: '=HYPERLINK("http://evil")' };
    const csv = devicesCsv([hostile], ['status', 'name'], () => 'ok');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('county tree', () => {
  const layout = layoutSubtree(node('a', 'city', 'county'), CHILDREN, new Set(), null, [
    node('city', null, 'city'),
  ]);

  it('gives every node its own row, tiers their own column, parents greyed to the left', () => {
    const rows = layout.nodes.filter((p) => !p.context).map((p) => `${p.x}:${p.y}`);
    expect(new Set(rows).size).toBe(rows.length);
    const city = layout.nodes[layout.indexById.get('city') ?? -1];
    expect(city?.context).toBe(true);
    expect(city?.x).toBe(-TREE_COLUMN);
    expect(layout.nodes[layout.indexById.get('a') ?? -1]?.parent).toBe(layout.indexById.get('city'));
  });

  it('walks by keyboard: top, down to a child, across siblings, up to the parent', () => {
    const top = moveSelection(layout, -1, 'top');
    expect(layout.nodes[top]?.id).toBe('a');
    const child = moveSelection(layout, top, 'child');
    expect(layout.nodes[child]?.id).toBe('a-sw');
    const first = moveSelection(layout, child, 'child');
    const second = moveSelection(layout, first, 'next');
    expect(new Set([layout.nodes[first]?.id, layout.nodes[second]?.id])).toEqual(new Set(['a-t1', 'a-t2']));
    expect(moveSelection(layout, second, 'parent')).toBe(child);
  });
});

describe('label grid', () => {
  it('finds a box that would cover another, and none that would not', () => {
    const grid = new BoxGrid();
    grid.add([100, 100, 10, 10]);
    expect(grid.collides([105, 95, 40, 12])).toBe(true);
    expect(grid.collides([120, 100, 40, 12])).toBe(false);
  });
});
