import { countyOf, type NodeLookup, type SecurityEvent, type TreeNode } from '../../../shared';

/** The search fields the live list is narrowed by (the time range is not: live events are new). */
export interface LiveFilters {
  text: string;
  node: string;
  /** A county's node id (its router): the county's nodes, as the per-county counts count them. */
  county: string;
  user: string;
  source: string;
  category: string;
  zone: string;
}

/** Lower case as the log store folds for its text search. */
const fold = (value: string) => value.toLowerCase();

/**
 * Whether the event's node lies in `county`, by the one county rule (domain/county.ts) over
 * the caller's tree. A county the tree does not hold lies above it (the caller's scope starts
 * inside that county, which is the only way the server offers it): every node of the tree is in it.
 */
export function inCounty<N extends TreeNode>(
  node: string | null,
  county: string,
  nodeById: NodeLookup<N>,
): boolean {
  if (node === null || nodeById.get(node) === undefined) return false;
  if (nodeById.get(county) === undefined) return true;
  const wanted = countyOf(county, nodeById);
  return wanted !== null && countyOf(node, nodeById)?.id === wanted.id;
}

/**
 * Whether a live event would be found by the search the page shows, so the live list and the
 * results agree: exact node, user, source, category and zone; the county's nodes (`nodeById`: the
 * caller's tree, from GET /api/topology); every text term as a substring of the text, message id,
 * user or hostname (docs/logs-store.md, search semantics).
 */
export function matchesLive<N extends TreeNode>(
  event: SecurityEvent,
  filters: LiveFilters,
  nodeById: NodeLookup<N>,
): boolean {
  if (filters.node !== '' && event.node !== filters.node) return false;
  if (filters.county !== '' && !inCounty(event.node, filters.county, nodeById)) return false;
  if (filters.user !== '' && event.user !== filters.user) return false;
  if (filters.source !== '' && event.sourceAddress !== filters.source) return false;
  if (filters.category !== '' && event.category !== filters.category) return false;
  if (filters.zone !== '' && event.zone !== filters.zone) return false;
  const haystack = fold(
    [event.text, event.messageId ?? '', event.user ?? '', event.hostname ?? ''].join('\n'),
  );
  return fold(filters.text)
    .split(/\s+/)
    .every((term) => term === '' || haystack.includes(term));
}
