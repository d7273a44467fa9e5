/** Metric ranges from the MetricsStore, always restricted to the caller's nodes. */
import type { MetricsResponse } from '../../shared/api';
import { notFound } from '../http/errors';
import { defineRoute } from '../http/route';
import { metricsQuerySchema } from '../schemas';

export const metricRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/metrics',
    summary:
      'A measurement field over time (range, step, aggregation), only for nodes in the caller’s subtree',
    tag: 'metrics',
    permission: 'read',
    query: metricsQuerySchema,
    returns: 'MetricsResponse',
    handler: async ({ c, who, query }, ctx) => {
      if (query.node !== undefined && !who.scope.allowsNode(query.node))
        throw notFound(`node "${query.node}"`);
      if (query.link !== undefined) {
        const link =
          ctx.topology.links.find((candidate) => candidate.id === query.link) ??
          ctx.topology.videoLinks.find((candidate) => candidate.id === query.link);
        const visible =
          link !== undefined &&
          ('probe' in link ? who.scope.allowsVideoLink(link) : who.scope.allowsLink(link));
        if (!visible) throw notFound(`link "${query.link}"`);
      }
      const where: Record<string, string> = {};
      if (query.node !== undefined) where.node = query.node;
      if (query.ifIndex !== undefined) where.ifIndex = query.ifIndex;
      if (query.link !== undefined) where.link = query.link;
      const nodes = who.scope.nodeIds();
      const series = await ctx.metrics.query({
        measurement: query.measurement,
        field: query.field,
        where,
        ...(nodes !== null ? { nodes } : {}),
        startMs: query.fromMs,
        endMs: query.toMs,
        stepS: query.stepS,
        aggregation: query.agg,
        ...(query.groupBy ? { groupBy: query.groupBy.split(',').filter(Boolean) } : {}),
      });
      const body: MetricsResponse = { series };
      return c.json(body);
    },
  }),
];
