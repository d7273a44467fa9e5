/** Metric ranges from the MetricsStore, always restricted to the caller's nodes. */
import type { MetricsResponse } from '../../shared';
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
      // A video link's readings are tagged with the probing node, which may be the far (out of
      // scope) end; the link tag itself then pins the query to a link the caller may see.
      let pinnedToVideoLink = false;
      if (query.link !== undefined) {
        const link = ctx.topology.links.find((candidate) => candidate.id === query.link);
        const videoLink = ctx.topology.videoLinks.find((candidate) => candidate.id === query.link);
        const visible = link
          ? who.scope.allowsLink(link)
          : videoLink
            ? who.scope.allowsVideoLink(videoLink)
            : false;
        if (!visible) throw notFound(`link "${query.link}"`);
        pinnedToVideoLink = videoLink !== undefined && query.node === undefined;
      }
      const where: Record<string, string> = {};
      if (query.node !== undefined) where.node = query.node;
      if (query.ifIndex !== undefined) where.ifIndex = query.ifIndex;
      if (query.link !== undefined) where.link = query.link;
      const nodes = pinnedToVideoLink ? null : who.scope.nodeIds();
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
