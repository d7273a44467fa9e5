/**
 * Which subtree the map draws as a compact tree: the county (or, for a city's own nodes, the city)
 * of a focused node; for a caller whose scope starts below the city (a county operator), the whole
 * scope. Null means the whole network as radial rings.
 */
import { cityOf, countyOf, type TopologyNodeView } from '../../../shared';

const WHOLE_NETWORK_TIERS: ReadonlySet<string> = new Set(['province', 'city']);

export function mapRootFor(
  focus: string | null,
  nodes: readonly TopologyNodeView[],
  nodeById: ReadonlyMap<string, TopologyNodeView>,
): TopologyNodeView | null {
  const scopeRoot = singleRoot(nodes, nodeById);
  const scopeIsSmall = scopeRoot !== null && !WHOLE_NETWORK_TIERS.has(scopeRoot.tier);
  if (focus === null || !nodeById.has(focus)) return scopeIsSmall ? scopeRoot : null;
  const node = nodeById.get(focus);
  if (node === undefined || node.tier === 'province') return scopeIsSmall ? scopeRoot : null;
  return countyOf(focus, nodeById) ?? cityOf(focus, nodeById) ?? scopeRoot;
}

function singleRoot(
  nodes: readonly TopologyNodeView[],
  nodeById: ReadonlyMap<string, TopologyNodeView>,
): TopologyNodeView | null {
  const roots = nodes.filter((n) => n.parent === null || !nodeById.has(n.parent));
  return roots.length === 1 ? (roots[0] ?? null) : null;
}

/**
 * The parents above a county operator's scope, which the API does not send as nodes: their names
 * come from the user's scope path (top down, the scope itself last), drawn greyed and inert.
 */
export function scopeAncestors(
  scopePath: readonly string[],
  scopeRoot: TopologyNodeView,
): TopologyNodeView[] {
  const tiers = ['province', 'city', 'county', 'township'] as const;
  return scopePath.slice(0, -1).map((name, i) => ({
    id: `scope-parent:${i}`,
    name,
    tier: tiers[Math.min(i, tiers.length - 1)] ?? 'city',
    zone: scopeRoot.zone,
    role: 'router',
    vendor: '',
    model: '',
    address: '',
    parent: i === 0 ? null : `scope-parent:${i - 1}`,
    location: '',
    pollIntervalS: 0,
  }));
}
