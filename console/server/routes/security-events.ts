/**
 * Security events (device log lines, classified) of the caller's nodes: search with paging, and a
 * summary per county for a time range. The log store applies the scope: it is given the caller's
 * node ids (only one county's, when the search names a county), so a county operator's query never
 * reads another county's rows. Counties are domain/county.ts's, in the counts and the filter.
 */
import { z } from 'zod';
import { SECURITY_CATEGORIES, ZONES, type InventoryNode, type NodeId } from '../../../domain';
import type { Topology } from '../../../inventory';
import { LogQueryError, type LogCounts, type LogQuery } from '../../../logs';
import type {
  CountySecurityCount,
  SecurityEventsResponse,
  SecurityEventsSummaryResponse,
} from '../../shared';
import type { Scope } from '../access';
import type { ServerContext } from '../context';
import { countyOfNode, countyScope } from '../county-scope';
import { ApiFailure, notFound } from '../http/errors';
import { defineRoute } from '../http/route';
import type { SecurityEventsPort } from '../ports';

const DAY_MS = 86_400_000;

/** Epoch milliseconds or an ISO 8601 date/time. */
const instant = z
  .string()
  .max(40)
  .describe('epoch milliseconds or an ISO 8601 date/time')
  .transform((raw, ctx) => {
    const ms = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date/time' });
      return z.NEVER;
    }
    return ms;
  });

const searchQuerySchema = z.object({
  node: z.string().min(1).max(128).optional(),
  county: z
    .string()
    .min(1)
    .max(128)
    .describe(
      'a county- or district-tier node id (the county’s router): the events of that county’s nodes, as the summary counts them',
    )
    .optional(),
  user: z.string().min(1).max(128).optional(),
  source: z.string().min(1).max(64).optional(),
  category: z.enum(SECURITY_CATEGORIES).optional(),
  zone: z.enum(ZONES).optional(),
  text: z.string().max(200).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a whole number')
    .transform(Number)
    .optional(),
  cursor: z.string().min(1).max(512).optional(),
});

const summaryQuerySchema = z.object({
  from: instant.optional(),
  to: instant.optional(),
  top: z
    .string()
    .regex(/^\d{1,3}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
});

function storeOf(ctx: ServerContext): SecurityEventsPort {
  if (!ctx.securityEvents)
    throw new ApiFailure(
      404,
      'logs_disabled',
      'this console runs without a log store (set logStore in its config)',
    );
  return ctx.securityEvents;
}

/** undefined = the whole network (unknown senders included); a list = those nodes only. */
function scopeFilter(scope: Scope): { scope?: readonly NodeId[] } {
  const ids = scope.nodeIds();
  return ids === null ? {} : { scope: ids };
}

/** The caller's scope, narrowed to one county's nodes when the query names a county. */
function searchScope(
  ctx: ServerContext,
  scope: Scope,
  county: string | undefined,
): { scope?: readonly NodeId[] } {
  return county === undefined ? scopeFilter(scope) : { scope: countyScope(ctx.topology, scope, county) };
}

/** A bad query is the caller's (400 with the store's reason); anything else is the store being down. */
async function asked<T>(ctx: ServerContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LogQueryError) throw new ApiFailure(400, 'invalid_request', error.message);
    ctx.log.error({ err: error }, 'log store query failed');
    throw new ApiFailure(503, 'log_store_unavailable', 'the log store did not answer; try again shortly');
  }
}

function perCounty(topology: Topology, counts: LogCounts): CountySecurityCount[] {
  const byCounty = new Map<InventoryNode | null, CountySecurityCount>();
  for (const row of counts.byNodeCategory) {
    const county = countyOfNode(topology, row.node);
    let entry = byCounty.get(county);
    if (!entry) {
      entry = { county: county?.id ?? null, name: county?.name ?? null, total: 0, byCategory: {} };
      byCounty.set(county, entry);
    }
    entry.total += row.count;
    entry.byCategory[row.category] = (entry.byCategory[row.category] ?? 0) + row.count;
  }
  return [...byCounty.values()].sort(
    (a, b) => b.total - a.total || (a.county ?? '\uffff').localeCompare(b.county ?? '\uffff'),
  );
}

export const securityEventRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/security-events',
    summary:
      'Security events of the caller’s nodes, newest first: by node, county, user, source address, category, zone, text terms, time range [from, to); paged with cursor',
    tag: 'security',
    permission: 'read',
    query: searchQuerySchema,
    returns: 'SecurityEventsResponse',
    handler: async ({ c, who, query }, ctx) => {
      if (query.node !== undefined && !who.scope.allowsNode(query.node))
        throw notFound(`node "${query.node}"`);
      const store = storeOf(ctx);
      const search: LogQuery = {
        ...searchScope(ctx, who.scope, query.county),
        ...(query.node !== undefined ? { node: query.node as NodeId } : {}),
        ...(query.user !== undefined ? { user: query.user } : {}),
        ...(query.source !== undefined ? { sourceAddress: query.source } : {}),
        ...(query.category !== undefined ? { category: query.category } : {}),
        ...(query.zone !== undefined ? { zone: query.zone } : {}),
        ...(query.text !== undefined && query.text.trim() !== '' ? { text: query.text } : {}),
        ...(query.from !== undefined ? { sinceMs: query.from } : {}),
        ...(query.to !== undefined ? { untilMs: query.to } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      };
      const page = await asked(ctx, () => store.search(search));
      const body: SecurityEventsResponse = { events: page.events, nextCursor: page.nextCursor };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/security-events/summary',
    summary:
      'Security events of the caller’s nodes per county and category, and the top source addresses, for [from, to) (default the last 24 hours)',
    tag: 'security',
    permission: 'read',
    query: summaryQuerySchema,
    returns: 'SecurityEventsSummaryResponse',
    handler: async ({ c, who, query }, ctx) => {
      const store = storeOf(ctx);
      const untilMs = query.to ?? Date.now();
      const sinceMs = query.from ?? untilMs - DAY_MS;
      if (sinceMs >= untilMs) throw new ApiFailure(400, 'invalid_request', 'from must be before to', 'from');
      const counts = await asked(ctx, () =>
        store.counts({ ...scopeFilter(who.scope), sinceMs, untilMs, topSources: query.top ?? 10 }),
      );
      const body: SecurityEventsSummaryResponse = {
        sinceMs,
        untilMs,
        counties: perCounty(ctx.topology, counts),
        topSources: counts.topSources,
      };
      return c.json(body);
    },
  }),
];
