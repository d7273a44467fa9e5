/** The console map's pure parts: where nodes go (layout) and what colour they get (looks). */
import { describe, expect, it } from 'vitest';
import type { Alert, NodeLiveState, TopologyNodeView } from '../../../console/shared';
import {
  collapseBelowCounties,
  defaultCollapsed,
  layoutTopology,
} from '../../../console/web/src/lib/topology-layout';
import { computeLooks } from '../../../console/web/src/lib/topology-looks';
import { nodeView } from './node-view';

const node = (
  id: string,
  parent: string | null,
  tier: TopologyNodeView['tier'],
  zone: TopologyNodeView['zone'] = 'internal',
): TopologyNodeView => nodeView(id, parent, tier, { zone });

const NODES = [
  node('city', null, 'city'),
  node('county-a', 'city', 'county'),
  node('a-sw', 'county-a', 'county'),
  node('a-mcu', 'a-sw', 'county', 'video'),
  node('county-b', 'city', 'county'),
  node('b-sw', 'county-b', 'county'),
];
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

describe('layoutTopology', () => {
  it('places every node once, the root in the centre and children one ring further out', () => {
    const layout = layoutTopology(NODES, CHILDREN, new Set(), null);
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(NODES.map((n) => n.id).sort());
    const root = layout.nodes[layout.indexById.get('city') ?? -1];
    expect(root).toMatchObject({ x: 0, y: 0, depth: 0, parent: -1 });
    const sw = layout.nodes[layout.indexById.get('a-sw') ?? -1];
    const county = layout.nodes[layout.indexById.get('county-a') ?? -1];
    expect(sw?.depth).toBe(2);
    expect(Math.hypot(sw?.x ?? 0, sw?.y ?? 0)).toBeGreaterThan(Math.hypot(county?.x ?? 0, county?.y ?? 0));
  });

  it('hides a collapsed subtree and counts what it hides', () => {
    const layout = layoutTopology(NODES, CHILDREN, new Set(['county-a']), null);
    expect(layout.indexById.has('a-sw')).toBe(false);
    expect(layout.nodes[layout.indexById.get('county-a') ?? -1]?.hidden).toBe(2);
  });

  it('filters by zone but keeps the path to matching nodes as context', () => {
    const layout = layoutTopology(NODES, CHILDREN, new Set(), new Set(['video'] as const));
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(['a-mcu', 'a-sw', 'city', 'county-a']);
    expect(layout.nodes.find((n) => n.id === 'county-a')?.context).toBe(true);
    expect(layout.nodes.find((n) => n.id === 'a-mcu')?.context).toBe(false);
  });

  it('opens only large networks collapsed, at county level', () => {
    expect(defaultCollapsed(NODES, CHILDREN).size).toBe(0);
    expect([...collapseBelowCounties(NODES, CHILDREN)].sort()).toEqual(['county-a', 'county-b']);
  });
});

describe('computeLooks', () => {
  const rootCause = {
    id: 'al-1',
    node: 'county-a',
    impacted: ['a-sw', 'a-mcu'],
    severity: 'critical',
    status: 'firing',
    suppressedBy: null,
  } as unknown as Alert;
  const inputs = (collapsed: Set<string>) => {
    const layout = layoutTopology(NODES, CHILDREN, collapsed, null);
    return computeLooks(layout, {
      nodeState: new Map(
        NODES.map((n) => [
          n.id,
          live(n.id, n.id.startsWith('a-') || n.id === 'county-a' ? { reachability: 'unreachable' } : {}),
        ]),
      ),
      linkState: new Map(),
      uplinkOf: new Map(),
      childrenOf: CHILDREN,
      openAlerts: [rootCause],
    });
  };

  it('marks the root cause once and dims everything cut off behind it', () => {
    const { looks, summary } = inputs(new Set());
    const layout = layoutTopology(NODES, CHILDREN, new Set(), null);
    const lookOf = (id: string) => looks[layout.indexById.get(id) ?? -1];
    expect(lookOf('county-a')).toMatchObject({ rootCause: true });
    expect(lookOf('a-sw')?.colour).toBe('impacted');
    expect(lookOf('a-mcu')?.colour).toBe('impacted');
    expect(lookOf('county-b')?.colour).toBe('ok');
    expect(summary.rootCauses).toEqual(['county-a']);
    expect(summary.impacted).toBe(2);
  });

  it('shows a collapsed subtree that holds a root cause as a root cause', () => {
    const layout = layoutTopology(NODES, CHILDREN, new Set(['city']), null);
    const { looks } = computeLooks(layout, {
      nodeState: new Map([['county-a', live('county-a', { reachability: 'unreachable' })]]),
      linkState: new Map(),
      uplinkOf: new Map(),
      childrenOf: CHILDREN,
      openAlerts: [rootCause],
    });
    expect(layout.nodes).toHaveLength(1);
    expect(looks[0]?.rootCause).toBe(true);
  });
});
