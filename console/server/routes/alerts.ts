/** Alerts (list, history, ack/unack) and silences — every alert and silence checked against the scope. */
import { gzipSync } from 'node:zlib';
import type { Scope } from '../access';
import { severityRank, type Alert, type AlertFilter, type NodeId, type Silence } from '../../../domain';
import type { AlertsResponse } from '../../shared';
import type { ServerContext } from '../context';
import type { Context } from 'hono';
import { acceptsGzip } from '../http/accepts-gzip';
import { ApiFailure, notFound } from '../http/errors';
import { defineRoute } from '../http/route';
import type { AlertActionResult, SilenceActionResult } from '../ports';
import { ackSchema, alertHistoryQuerySchema, alertsQuerySchema, silenceSchema } from '../schemas';
import type { z } from 'zod';

type AlertsQuery = z.infer<typeof alertsQuerySchema>;

/** The engine filter for a query, already restricted to the caller's nodes. */
function scopedFilter(query: AlertsQuery, scope: Scope): AlertFilter {
  if (query.node !== undefined && !scope.allowsNode(query.node)) throw notFound(`node "${query.node}"`);
  const nodes = query.node !== undefined ? [query.node as NodeId] : scope.nodeIds();
  return {
    ...(query.status ? { status: query.status } : {}),
    ...(query.minSeverity ? { minSeverity: query.minSeverity } : {}),
    ...(query.zone ? { zone: query.zone } : {}),
    ...(query.tier ? { tier: query.tier } : {}),
    ...(query.rule ? { rule: query.rule } : {}),
    ...(query.text ? { text: query.text } : {}),
    ...(query.includeSuppressed !== undefined ? { includeSuppressed: query.includeSuppressed } : {}),
    ...(nodes !== null ? { nodes } : {}),
  };
}

/**
 * Serialized alert lists by (stream seq, scope, query): every alert change bumps the seq, so an entry
 * is exact until the next change. Many consoles polling the same list then cost one JSON.stringify,
 * and one gzip (made on first ask: /api answers are gzipped for clients that accept it, and doing it
 * per request cost more than the rest of the request).
 */
interface CachedList {
  json: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
}
const listCache = new Map<string, CachedList>();
const LIST_CACHE_SIZE = 64;
const utf8 = new TextEncoder();
/** Below this a gzip header costs more than it saves. */
const MIN_GZIP_BYTES = 1024;

/** The answer's bytes, encoded once per key (alert seq, scope, query): repeats only write them. */
function cachedList(key: string, build: () => string): CachedList {
  const hit = listCache.get(key);
  if (hit !== undefined) return hit;
  const entry: CachedList = { json: utf8.encode(build()), gzip: null };
  if (listCache.size >= LIST_CACHE_SIZE) listCache.delete(listCache.keys().next().value as string);
  listCache.set(key, entry);
  return entry;
}

/** The cached list as the client asked: gzipped once per entry when it accepts gzip. */
function listAnswer(c: Context, entry: CachedList): Response {
  const headers = { 'content-type': 'application/json', vary: 'Accept-Encoding' };
  if (entry.json.length < MIN_GZIP_BYTES || !acceptsGzip(c.req.header('accept-encoding')))
    return c.body(entry.json, 200, headers);
  entry.gzip ??= new Uint8Array(gzipSync(entry.json));
  return c.body(entry.gzip, 200, { ...headers, 'content-encoding': 'gzip' });
}

function limited(alerts: Alert[], scope: Scope, limit: number | undefined): Alert[] {
  const visible = alerts.filter((alert) => scope.allowsAlert(alert));
  return limit === undefined ? visible : visible.slice(0, limit);
}

function alertInScope(ctx: ServerContext, scope: Scope, id: string): Alert {
  const alert = ctx.alerts.get(id);
  if (!alert || !scope.allowsAlert(alert)) throw notFound(`alert "${id}"`);
  return alert;
}

function acted(result: AlertActionResult): Alert {
  if (result.ok) return result.alert;
  if (result.reason === 'not-an-outage') throw new ApiFailure(422, result.reason, result.message, 'planned');
  throw new ApiFailure(result.reason === 'not-found' ? 404 : 409, result.reason, result.message);
}

function silenced(result: SilenceActionResult): Silence {
  if (result.ok) return result.silence;
  throw result.reason === 'not-found'
    ? new ApiFailure(404, 'not_found', result.message)
    : new ApiFailure(422, 'invalid_silence', result.message, 'matchers');
}

const findSilence = (ctx: ServerContext, id: string): Silence | undefined =>
  ctx.alerts.silences.list({ includeExpired: true }).find((silence) => silence.id === id);

/**
 * A silence is in a scoped user's reach when it names nodes (non-regex `node` matchers) and every
 * one of them is in scope; silences without such a matcher belong to the whole network.
 */
function silenceInScope(scope: Scope, silence: Pick<Silence, 'matchers'>): boolean {
  if (scope.isWholeNetwork) return true;
  const nodeMatchers = silence.matchers.filter((matcher) => matcher.label === 'node');
  return (
    nodeMatchers.length > 0 &&
    nodeMatchers.every((matcher) => matcher.regex !== true && scope.allowsNode(matcher.value))
  );
}

function requireSilenceInScope(scope: Scope, silence: Pick<Silence, 'matchers'>): void {
  if (!silenceInScope(scope, silence))
    throw new ApiFailure(
      403,
      'scope_exceeded',
      'a scoped user’s silence must name its nodes with exact `node` matchers inside the user’s subtree',
      'matchers',
    );
}

/** POST /api/alerts/:id/ack and …/unack: the same checks, body and audit line around the engine's action. */
function alertActionRoute(action: 'ack' | 'unack', summary: string) {
  return defineRoute({
    method: 'post',
    path: `/api/alerts/:id/${action}`,
    summary,
    tag: 'alerts',
    permission: 'alerts.write',
    body: ackSchema,
    returns: 'Alert',
    handler: ({ c, who, param, body, audit }, ctx) => {
      const alert = alertInScope(ctx, who.scope, param('id'));
      const planned = action === 'ack' && body.planned === true;
      const updated = acted(
        action === 'ack'
          ? ctx.alerts.ack(alert.id, who.user.username, body.comment, planned)
          : ctx.alerts.unack(alert.id, who.user.username, body.comment),
      );
      const what = `${alert.rule} on ${alert.node ?? '-'}${planned ? ' (planned work)' : ''}`;
      audit(`alert.${action}`, alert.id, `${what}: ${body.comment}`);
      return c.json(updated);
    },
  });
}

export const alertRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/alerts',
    summary: 'Alerts in the caller’s subtree (default: open root causes), with the stream seq they match',
    tag: 'alerts',
    permission: 'read',
    query: alertsQuerySchema,
    returns: 'AlertsResponse',
    handler: ({ c, who, query }, ctx) => {
      const seq = ctx.hub.currentSeq();
      const filter = scopedFilter(query, who.scope);
      const key = `${ctx.hub.instance}|${seq}|${who.scope.root ?? '*'}|${new URL(c.req.url).search}`;
      const entry = cachedList(key, () => {
        const body: AlertsResponse = {
          alerts: limited(ctx.alerts.list(filter), who.scope, query.limit),
          seq,
        };
        return JSON.stringify(body);
      });
      return listAnswer(c, entry);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/alerts/history',
    summary: 'Past (resolved) alerts in the caller’s subtree',
    tag: 'alerts',
    permission: 'read',
    query: alertHistoryQuerySchema,
    returns: '{ alerts: Alert[] }',
    handler: ({ c, who, query }, ctx) => {
      const filter = scopedFilter(query, who.scope);
      const toMs = query.toMs ?? Date.now();
      const history = ctx.alerts.history({
        fromMs: query.fromMs ?? toMs - 7 * 86_400_000,
        toMs,
        limit: query.limit ?? 500,
        ...(filter.nodes ? { nodes: filter.nodes } : {}),
      });
      const matching = history.filter(
        (alert) =>
          (query.minSeverity === undefined ||
            severityRank(alert.severity) <= severityRank(query.minSeverity)) &&
          (query.rule === undefined || alert.rule === query.rule) &&
          (query.zone === undefined || alert.labels.zone === query.zone) &&
          (query.tier === undefined || alert.labels.tier === query.tier),
      );
      return c.json({ alerts: limited(matching, who.scope, query.limit ?? 500) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/alerts/:id',
    summary: 'One alert',
    tag: 'alerts',
    permission: 'read',
    returns: 'Alert',
    handler: ({ c, who, param }, ctx) => c.json(alertInScope(ctx, who.scope, param('id'))),
  }),
  alertActionRoute(
    'ack',
    'Acknowledge an alert with a comment; planned: true marks an outage as planned work (the monthly report counts it as maintenance)',
  ),
  alertActionRoute('unack', 'Take back an acknowledgement'),
  defineRoute({
    method: 'get',
    path: '/api/silences',
    summary: 'Silences and maintenance windows in the caller’s reach',
    tag: 'silences',
    permission: 'read',
    returns: '{ silences: Silence[] }',
    handler: ({ c, who }, ctx) =>
      c.json({
        silences: ctx.alerts.silences.list().filter((silence) => silenceInScope(who.scope, silence)),
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/silences',
    summary: 'Create a silence (one-off or a weekly maintenance window)',
    tag: 'silences',
    permission: 'alerts.write',
    body: silenceSchema,
    returns: 'Silence',
    handler: ({ c, who, body, audit }, ctx) => {
      requireSilenceInScope(who.scope, body);
      const silence = silenced(ctx.alerts.silences.create(body, who.user.username));
      audit(
        'silence.create',
        silence.id,
        `${body.reason} [${body.matchers.map((m) => `${m.label}=${m.value}`).join(', ')}]`,
      );
      return c.json(silence, 201);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/silences/:id',
    summary: 'Change a silence',
    tag: 'silences',
    permission: 'alerts.write',
    body: silenceSchema,
    returns: 'Silence',
    handler: ({ c, who, param, body, audit }, ctx) => {
      const existing = findSilence(ctx, param('id'));
      if (!existing || !silenceInScope(who.scope, existing)) throw notFound(`silence "${param('id')}"`);
      requireSilenceInScope(who.scope, body);
      const silence = silenced(ctx.alerts.silences.update(existing.id, body, who.user.username));
      audit('silence.update', silence.id, body.reason);
      return c.json(silence);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/silences/:id',
    summary: 'End a silence now',
    tag: 'silences',
    permission: 'alerts.write',
    returns: '204',
    handler: ({ c, who, param, audit }, ctx) => {
      const existing = findSilence(ctx, param('id'));
      if (!existing || !silenceInScope(who.scope, existing)) throw notFound(`silence "${param('id')}"`);
      silenced(ctx.alerts.silences.delete(existing.id, who.user.username));
      audit('silence.delete', existing.id, existing.reason);
      return c.body(null, 204);
    },
  }),
];
