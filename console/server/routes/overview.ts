/**
 * GET /api/overview: the overview page's tables for the caller's subtree, computed here with the
 * browser's own rules (console/shared: node-status, status-rollup, overview), so a province's front
 * page can draw real counts and faults from a few KB before the topology and the live state arrive.
 */
import { z } from 'zod';
import {
  indexStatus,
  overviewOf,
  packOverview,
  type NodeLiveState,
  type OverviewResponse,
} from '../../shared';
import type { ServerContext } from '../context';
import type { Principal } from '../http/route';
import { defineRoute } from '../http/route';
import { networkUtcOffsetMin, nodeView } from '../views';

/** Faults listed by default; the rest are counted (`faultCount`) and listed once the page is live. */
export const OVERVIEW_FAULT_LIMIT = 100;

const overviewQuery = z
  .object({
    faultLimit: z.coerce.number().int().min(0).max(10_000).default(OVERVIEW_FAULT_LIMIT),
  })
  .strict();

/** The same inputs the browser builds from GET /api/topology and the stream's snapshot, cut to the scope. */
export function overviewFor(
  who: Pick<Principal, 'scope'>,
  ctx: ServerContext,
  faultLimit: number,
): OverviewResponse {
  const { topology, live, alerts } = ctx;
  const nodes = topology.nodes.filter((node) => who.scope.allowsNode(node.id)).map(nodeView);
  const nodeState = new Map<string, NodeLiveState>();
  for (const state of live.allNodes()) if (who.scope.allowsNode(state.id)) nodeState.set(state.id, state);
  const openAlerts = alerts
    .list({ status: ['firing', 'acknowledged'], includeSuppressed: false, limit: 100_000 })
    .filter((alert) => who.scope.allowsAlert(alert));
  const model = overviewOf({
    nodes,
    nodeById: new Map(nodes.map((node) => [node.id, node])),
    status: indexStatus({ nodeState, openAlerts }),
    topName: topology.network.name,
    faultLimit,
  });
  return packOverview(model, {
    network: { id: topology.network.id, name: topology.network.name },
    utcOffsetMin: networkUtcOffsetMin(alerts),
    serverTimeMs: Date.now(),
  });
}

export const overviewRoutes = [
  defineRoute<undefined, z.infer<typeof overviewQuery>>({
    method: 'get',
    path: '/api/overview',
    summary:
      'Status counts per city and county and per tier × zone, and the current faults worst first, for the caller’s subtree',
    tag: 'topology',
    permission: 'read',
    query: overviewQuery,
    returns: 'OverviewResponse',
    handler: ({ c, who, query }, ctx) => c.json(overviewFor(who, ctx, query.faultLimit)),
  }),
];
