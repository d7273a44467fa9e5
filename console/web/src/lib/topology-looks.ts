/**
 * What colour each node and edge of the map gets, from live state and open alerts: root causes stand
 * out, everything cut off behind them is dimmed, and a collapsed subtree shows its worst member.
 */
import type { Alert, LinkLiveState, LinkView, NodeLiveState } from '../../../shared';
import type { LinkColour, LookColour, NodeLook } from './topology-canvas';
import type { TopologyLayout } from './topology-layout';

const RANK: Record<LookColour, number> = {
  down: 0,
  critical: 0,
  major: 1,
  minor: 2,
  warning: 2,
  info: 3,
  impacted: 4,
  stale: 5,
  unknown: 6,
  ok: 7,
  context: 8,
};

export interface LiveInputs {
  nodeState: ReadonlyMap<string, NodeLiveState>;
  linkState: ReadonlyMap<string, LinkLiveState>;
  uplinkOf: ReadonlyMap<string, LinkView>;
  childrenOf: ReadonlyMap<string, ReadonlyArray<{ id: string }>>;
  openAlerts: readonly Alert[];
}

export interface MapSummary {
  unreachable: number;
  impacted: number;
  rootCauses: string[];
  stale: number;
}

export function computeLooks(
  layout: TopologyLayout,
  live: LiveInputs,
): { looks: NodeLook[]; links: LinkColour[]; summary: MapSummary } {
  const rootCause = new Set<string>();
  const impacted = new Set<string>();
  const alertSeverity = new Map<string, Alert['severity']>();
  for (const a of live.openAlerts) {
    if (a.impacted.length > 0 && a.node !== null && a.suppressedBy === null) {
      rootCause.add(a.node);
      for (const id of a.impacted) impacted.add(id);
    }
    if (a.node !== null && a.suppressedBy === null) {
      const prev = alertSeverity.get(a.node);
      if (prev === undefined || RANK[a.severity] < RANK[prev]) alertSeverity.set(a.node, a.severity);
    }
  }
  const summary: MapSummary = { unreachable: 0, impacted: 0, rootCauses: [], stale: 0 };
  for (const s of live.nodeState.values()) {
    if (s.rootCauseAlertId !== null) rootCause.add(s.id);
    if (s.impactedBy !== null) impacted.add(s.id);
    if (s.reachability === 'unreachable') summary.unreachable++;
    if (s.stale) summary.stale++;
  }
  for (const id of rootCause) impacted.delete(id);
  summary.impacted = impacted.size;
  summary.rootCauses = [...rootCause];

  const lookOf = (id: string): NodeLook => {
    const s = live.nodeState.get(id);
    const isRoot = rootCause.has(id);
    let colour: LookColour;
    const severity = alertSeverity.get(id) ?? s?.worstSeverity ?? null;
    if (impacted.has(id)) colour = 'impacted';
    else if (s?.reachability === 'unreachable') colour = 'down';
    else if (severity !== null) colour = severity;
    else if (s?.stale === true) colour = 'stale';
    else if (s === undefined || s.reachability === 'unknown') colour = 'unknown';
    else colour = 'ok';
    if (isRoot && colour !== 'down') colour = 'critical';
    return { colour, rootCause: isRoot, stale: s?.stale === true };
  };

  const looks: NodeLook[] = [];
  const links: LinkColour[] = [];
  for (const placed of layout.nodes) {
    let look = lookOf(placed.id);
    if (placed.hidden > 0) look = worstOfSubtree(placed.id, look, live.childrenOf, lookOf);
    looks.push(look);
    const link = live.uplinkOf.get(placed.id);
    const state = link === undefined ? undefined : live.linkState.get(link.id);
    let colour: LinkColour;
    if (look.colour === 'impacted') colour = 'impacted';
    else if (state === undefined) colour = 'unknown';
    else if (state.state === 'down') colour = 'down';
    else if (state.utilPct === null || state.stale === true) colour = 'unknown';
    else colour = utilisationColour(state.utilPct);
    links.push(colour);
  }
  return { looks, links, summary };
}

export function utilisationColour(pct: number): LinkColour {
  if (pct >= 75) return 'high';
  if (pct >= 40) return 'mid';
  return 'low';
}

function worstOfSubtree(
  id: string,
  own: NodeLook,
  childrenOf: LiveInputs['childrenOf'],
  lookOf: (id: string) => NodeLook,
): NodeLook {
  let worst = own;
  let anyRoot = own.rootCause;
  const stack = [...(childrenOf.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    const look = lookOf(next.id);
    if (look.rootCause) anyRoot = true;
    if (RANK[look.colour] < RANK[worst.colour]) worst = look;
    for (const c of childrenOf.get(next.id) ?? []) stack.push(c);
  }
  return { colour: worst.colour, rootCause: anyRoot, stale: own.stale };
}
