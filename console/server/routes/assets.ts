/**
 * The asset register (设备台账) of the caller's subtree: the list, the changes (module replaced,
 * inserted or removed, firmware upgraded) and an XLSX/CSV export of the same rows the page filters.
 * A county operator sees and exports only its county's nodes; the export is audited.
 */
import { z } from 'zod';
import {
  CERTIFICATE_STATES,
  matchesAssetFilter,
  type AssetChangeView,
  type AssetChangesResponse,
  type AssetRowView,
  type AssetsResponse,
} from '../../shared';
import type { Scope } from '../access';
import { assetsCsv, assetsXlsx } from '../assets/export';
import type { AssetRegister } from '../assets/register';
import { assetRows } from '../assets/rows';
import type { ServerContext } from '../context';
import { ApiFailure, notFound } from '../http/errors';
import { defineRoute } from '../http/route';
import { networkUtcOffsetMin } from '../views';

const filterSchema = {
  q: z.string().max(200).optional(),
  vendor: z.string().max(64).optional(),
  county: z.string().max(128).optional(),
  certificate: z.enum(CERTIFICATE_STATES).optional(),
};

const exportQuerySchema = z.object({ format: z.enum(['xlsx', 'csv']), ...filterSchema });

const changesQuerySchema = z.object({
  node: z.string().min(1).max(128).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a whole number 1–1000')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, 'expected a whole number 1–1000')
    .optional(),
});

/** One XLSX build at a time: a province's takes tens of seconds of exceljs work. */
let xlsxBuilding = false;

function registerOf(ctx: ServerContext): AssetRegister {
  if (!ctx.assets) throw new ApiFailure(404, 'assets_disabled', 'this console keeps no asset register');
  return ctx.assets;
}

function rowsFor(ctx: ServerContext, scope: Scope, nowMs: number): AssetRowView[] {
  const register = registerOf(ctx);
  return assetRows({
    topology: ctx.topology,
    scope,
    assets: register.assets(),
    changesByNode: register.changeCounts(),
    pki: ctx.pki,
    nowMs,
  });
}

function changesFor(
  ctx: ServerContext,
  scope: Scope,
  query: { node?: string; limit: number },
): AssetChangeView[] {
  return registerOf(ctx)
    .changes({ ...query, nodes: scope.nodeIds() })
    .map((change) => ({
      ...change,
      nodeName: ctx.topology.has(change.node) ? ctx.topology.node(change.node).name : change.node,
    }));
}

export const assetRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/assets',
    summary:
      'The asset register of the caller’s nodes: model, serial, revisions, location, first/last seen, certificate state and parts of every node',
    tag: 'assets',
    permission: 'read',
    returns: 'AssetsResponse',
    handler: ({ c, who }, ctx) => {
      const nowMs = Date.now();
      const body: AssetsResponse = { assets: rowsFor(ctx, who.scope, nowMs), serverTimeMs: nowMs };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/assets/changes',
    summary:
      'Module replaced, firmware upgraded, module inserted and module removed changes of the caller’s nodes (or one node), newest first',
    tag: 'assets',
    permission: 'read',
    query: changesQuerySchema,
    returns: 'AssetChangesResponse',
    handler: ({ c, who, query }, ctx) => {
      if (query.node !== undefined && !who.scope.allowsNode(query.node))
        throw notFound(`node "${query.node}"`);
      const body: AssetChangesResponse = {
        changes: changesFor(ctx, who.scope, {
          ...(query.node !== undefined ? { node: query.node } : {}),
          limit: query.limit ?? 200,
        }),
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/assets/export',
    summary:
      'The asset register of the caller’s nodes as XLSX (assets, parts, changes) or CSV (assets), filtered like the page (q, vendor, county, certificate); audited',
    tag: 'assets',
    permission: 'read',
    query: exportQuerySchema,
    produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    returns: 'XLSX workbook or CSV (UTF-8 with BOM)',
    handler: async ({ c, who, query, audit }, ctx) => {
      const nowMs = Date.now();
      const { format, ...filter } = query;
      if (format === 'xlsx' && xlsxBuilding) {
        c.header('retry-after', '10');
        throw new ApiFailure(429, 'export_busy', 'another XLSX export is being built; try again shortly');
      }
      const rows = rowsFor(ctx, who.scope, nowMs).filter((row) => matchesAssetFilter(row, filter));
      const offset = networkUtcOffsetMin(ctx.alerts);
      audit('assets.export', 'assets', `format=${format} rows=${rows.length}`);
      const stamp = new Date(nowMs).toISOString().slice(0, 10);
      c.header('content-disposition', `attachment; filename="egov-noc-assets-${stamp}.${format}"`);
      if (format === 'csv') {
        c.header('content-type', 'text/csv; charset=utf-8');
        return c.body(assetsCsv(rows, offset));
      }
      const inScope = new Set(rows.map((row) => row.node));
      const changes = changesFor(ctx, who.scope, { limit: 10_000 }).filter((change) =>
        inScope.has(change.node),
      );
      xlsxBuilding = true;
      let workbook: Buffer;
      try {
        workbook = await assetsXlsx(rows, changes, offset, nowMs);
      } finally {
        xlsxBuilding = false;
      }
      c.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      return c.body(new Uint8Array(workbook));
    },
  }),
];
