/**
 * The console audit for the audit administrator: list, export (CSV or JSON, with each record's
 * place in the hash chain) and verify. Nobody else reads it (三权分立).
 */
import { stream } from 'hono/streaming';
import type {
  AuditActionsResponse,
  AuditResponse,
  AuditVerifyResponse,
  ChainedAuditRecord,
} from '../../shared';
import type { Principal } from '../http/route';
import { defineRoute } from '../http/route';
import type { ServerContext } from '../context';
import { auditExportQuerySchema, auditQuerySchema } from '../schemas';
import { auditCsvHeader, auditCsvLine } from '../identity/audit-csv';

/** A scoped audit administrator reads the records of itself and of users scoped inside its subtree. */
function actorsInScope(who: Principal, ctx: ServerContext): string[] | undefined {
  if (who.scope.isWholeNetwork) return undefined;
  return [
    who.user.username,
    ...ctx.identity.users
      .list()
      .filter((user) => user.scope !== null && who.scope.allowsNode(user.scope))
      .map((user) => user.username),
  ];
}

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/audit',
    summary:
      'Audit records, newest first, filtered by actor, action, q (a plain substring of actor, action, target or detail, ≤ 200 characters) and from/to (epoch ms or ISO 8601, [from, to)); `before` pages within the filter (a scoped audit administrator sees its own and those of users inside its subtree)',
    tag: 'audit',
    permission: 'audit',
    query: auditQuerySchema,
    returns: 'AuditResponse',
    handler: ({ c, who, query }, ctx) => {
      const actors = actorsInScope(who, ctx);
      const records = ctx.identity.audit.list({
        limit: query.limit,
        ...(query.before !== undefined ? { beforeId: query.before } : {}),
        ...(query.actor !== undefined ? { actor: query.actor } : {}),
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.q !== undefined && query.q !== '' ? { text: query.q } : {}),
        ...(query.from !== undefined ? { fromMs: query.from } : {}),
        ...(query.to !== undefined ? { toMs: query.to } : {}),
        ...(actors ? { actors } : {}),
      });
      const body: AuditResponse = { records };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/audit/actions',
    summary:
      'Every action name in the audit the caller may read (for the filter), sorted; a scoped audit administrator gets those of its own actors',
    tag: 'audit',
    permission: 'audit',
    returns: 'AuditActionsResponse',
    handler: ({ c, who }, ctx) => {
      const actors = actorsInScope(who, ctx);
      const body: AuditActionsResponse = { actions: ctx.identity.audit.actions(actors ? { actors } : {}) };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/audit/export',
    summary:
      'Export the audit as CSV or JSON, oldest first, with each record’s previous hash and hash (from/to: epoch ms or ISO 8601); the export itself is audited',
    tag: 'audit',
    permission: 'audit',
    query: auditExportQuerySchema,
    produces: 'text/csv',
    returns: 'ChainedAuditRecord[] (JSON) or CSV',
    handler: ({ c, who, query, audit }, ctx) => {
      const actors = actorsInScope(who, ctx);
      const allowed = actors ? new Set(actors) : null;
      audit(
        'audit.export',
        'audit',
        `format=${query.format} from=${query.from ?? '-'} to=${query.to ?? '-'}`,
      );
      const records = ctx.identity.audit.chained({
        ...(query.from !== undefined ? { fromMs: query.from } : {}),
        ...(query.to !== undefined ? { toMs: query.to } : {}),
      });
      const stamp = new Date().toISOString().slice(0, 10);
      c.header('content-disposition', `attachment; filename="egov-noc-audit-${stamp}.${query.format}"`);
      c.header('content-type', query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json');
      const lines = function* (): Generator<string> {
        let first = true;
        if (query.format === 'csv') yield auditCsvHeader();
        else yield '[';
        for (const record of records) {
          if (allowed && !allowed.has(record.actor)) continue;
          if (query.format === 'csv') yield auditCsvLine(record);
          else yield `${first ? '' : ','}\n${JSON.stringify(record satisfies ChainedAuditRecord)}`;
          first = false;
        }
        if (query.format === 'json') yield '\n]\n';
      };
      return stream(c, async (out) => {
        let chunk = '';
        for (const line of lines()) {
          chunk += line;
          if (chunk.length > 64 * 1024) {
            await out.write(chunk);
            chunk = '';
          }
        }
        await out.write(chunk);
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/audit/verify',
    summary: 'Check the audit’s hash chain from its anchor to its head; names the first bad entry',
    tag: 'audit',
    permission: 'audit',
    returns: 'AuditVerifyResponse',
    handler: ({ c, audit }, ctx) => {
      const verdict: AuditVerifyResponse = ctx.identity.audit.verify();
      audit(
        'audit.verify',
        'audit',
        verdict.ok ? `ok, ${verdict.entries} entries` : `FAILED at entry ${verdict.entryId}`,
      );
      return c.json(verdict);
    },
  }),
];
