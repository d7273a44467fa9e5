/**
 * The route table. Every /api route is declared with `defineRoute`: its method, path, permission
 * and the zod schemas of its body and query. One function (`mountRoutes`) turns the table into Hono
 * handlers with the same checks in the same order for every route:
 *   1. who is calling (session cookie or bearer token)           → 401
 *   2. a cookie session changing state must send x-csrf-token     → 403 csrf
 *   3. the caller's role must grant the route's permission        → 403 forbidden
 *   4. body and query are parsed with the route's schemas         → 400 invalid_request (+ field)
 *   5. the handler asks `who.scope` about every node it touches   → 404 (foreign subtree = not found)
 * The OpenAPI document (routes/openapi.ts) is generated from the same table and schemas.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { roleAllows, Scope, type Permission } from '../access';
import { csrfMatches, type SignInMethod, type UserRecord } from '../identity';
import { SESSION_COOKIE, TOKEN_PREFIX } from '../identity';
import type { ServerContext } from '../context';
import { BodyTooLarge } from './body-limit';
import { ApiFailure } from './errors';
import { clientIp } from './client-ip';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Principal {
  user: UserRecord;
  scope: Scope;
  via: 'session' | 'token';
  /** Raw session id (cookie sessions only), to derive the CSRF token and to log out. */
  rawSessionId: string | null;
  sessionExpiresAtMs: number | null;
  /** How the session was opened; 'password' for API tokens. */
  method: SignInMethod;
}

export interface RouteInput<B, Q> {
  c: Context;
  who: Principal;
  body: B;
  query: Q;
  param: (name: string) => string;
  ip: string;
  /** Append an audit record as the caller. */
  audit: (action: string, target: string, detail?: string) => void;
}

export interface RouteSpec<B = unknown, Q = unknown> {
  method: Method;
  /** Hono path, e.g. /api/alerts/:id/ack */
  path: string;
  summary: string;
  tag: string;
  /** 'public' routes run without a caller (only the sign-in routes). */
  permission: Permission | 'public';
  /**
   * Answers a session that must first change an expired password or enrol TOTP (the steps' own
   * routes, the session itself, sign-out); every other route refuses it with 403 and the step's code.
   */
  duringRestriction?: true;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Response content type when not JSON (for the OpenAPI document). */
  produces?: string;
  /** Name of the response type in console/shared/index.ts, for the OpenAPI description. */
  returns: string;
  handler: (input: RouteInput<B, Q>, ctx: ServerContext) => Response | Promise<Response>;
}

// The table holds specs of many body/query types; each handler is typed where it is defined.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any>;

export function defineRoute<B = undefined, Q = undefined>(spec: RouteSpec<B, Q>): AnyRoute {
  return spec as AnyRoute;
}

const STATE_CHANGING: ReadonlySet<Method> = new Set(['post', 'put', 'patch', 'delete']);

/** Who is calling: a bearer token, else the session cookie; null when neither is valid. */
export function identify(c: Context, ctx: ServerContext): Principal | null {
  return identifyHeaders(
    { authorization: c.req.header('authorization'), cookie: c.req.header('cookie') },
    ctx,
  );
}

/** The same check from raw headers (the WebSocket upgrade has no Hono context). */
export function identifyHeaders(
  headers: { authorization?: string | undefined; cookie?: string | undefined },
  ctx: ServerContext,
): Principal | null {
  if (headers.authorization !== undefined) {
    const token = bearerToken(headers.authorization);
    if (token === null) return null;
    const record = ctx.identity.sessions.useToken(token);
    const user = record && ctx.identity.users.get(record.username);
    if (!user || user.locked) return null;
    return {
      user,
      scope: ctx.scopeOf(user),
      via: 'token',
      rawSessionId: null,
      sessionExpiresAtMs: null,
      method: 'password',
    };
  }
  const rawId = cookieValue(headers.cookie, SESSION_COOKIE);
  return rawId === undefined ? null : principalForSession(rawId, ctx);
}

/** The API token in an `Authorization: Bearer egt_…` header; null for anything else. */
export function bearerToken(authorization: string | undefined): string | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return token?.startsWith(TOKEN_PREFIX) ? token : null;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function principalForSession(rawId: string, ctx: ServerContext): Principal | null {
  const session = ctx.identity.sessions.touch(rawId);
  const user = session && ctx.identity.users.get(session.username);
  if (!session || !user || user.locked) return null;
  return {
    user,
    scope: ctx.scopeOf(user),
    via: 'session',
    rawSessionId: rawId,
    sessionExpiresAtMs: session.expiresAtMs,
    method: session.method,
  };
}

const RESTRICTION_REFUSAL = {
  'password-expired': [
    'password_expired',
    'your password has expired: change it first (PUT /api/session/password)',
  ],
  'totp-enrolment': [
    'totp_enrolment_required',
    'the security policy requires a second factor for your role: enrol TOTP first (POST /api/session/totp)',
  ],
} as const;

/** 403 unless the caller has finished every step the policies ask of it, or the route is one of those steps. */
function checkRestriction(route: AnyRoute, who: Principal, ctx: ServerContext): void {
  const restriction = ctx.identity.users.restrictionOf(who.user);
  if (restriction === null || route.duringRestriction) return;
  const [code, message] = RESTRICTION_REFUSAL[restriction];
  throw new ApiFailure(403, code, message);
}

function fieldOf(issue: z.core.$ZodIssue | undefined): string | undefined {
  if (!issue || issue.path.length === 0) return undefined;
  return issue.path.map(String).join('.');
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldOf(issue);
  throw new ApiFailure(
    400,
    'invalid_request',
    `${where}${field ? ` field "${field}"` : ''}: ${issue?.message ?? 'invalid'}`,
    field,
  );
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new ApiFailure(415, 'unsupported_media_type', 'send the request body as application/json');
  try {
    return await c.req.json();
  } catch (error) {
    if (error instanceof BodyTooLarge)
      throw new ApiFailure(413, 'too_large', `request body over ${error.maxBytes} bytes`);
    throw new ApiFailure(400, 'invalid_json', 'the request body is not valid JSON');
  }
}

export function mountRoutes(app: Hono, routes: readonly AnyRoute[], ctx: ServerContext): void {
  for (const route of routes) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      const ip = clientIp(c);
      let who: Principal | null = null;
      if (route.permission !== 'public') {
        who = identify(c, ctx);
        if (!who)
          throw new ApiFailure(401, 'unauthenticated', 'sign in first (no valid session or API token)');
        if (
          STATE_CHANGING.has(route.method) &&
          who.via === 'session' &&
          !csrfMatches(who.rawSessionId ?? '', c.req.header('x-csrf-token'))
        )
          throw new ApiFailure(
            403,
            'csrf',
            'missing or wrong x-csrf-token header (take it from the session response)',
          );
        if (!roleAllows(who.user.role, route.permission))
          throw new ApiFailure(403, 'forbidden', `the ${who.user.role} role may not do this`);
        checkRestriction(route, who, ctx);
        c.set('username' as never, who.user.username as never);
      }
      const bodySchema = route.body as z.ZodType<unknown> | undefined;
      const querySchema = route.query as z.ZodType<unknown> | undefined;
      const body: unknown = bodySchema ? parseWith(bodySchema, await readJson(c), 'body') : undefined;
      const query: unknown = querySchema ? parseWith(querySchema, c.req.query(), 'query') : undefined;
      const caller = who as Principal;
      const response = await route.handler(
        {
          c,
          who: caller,
          body,
          query,
          ip,
          param: (name) => c.req.param(name) ?? '',
          audit: (action, target, detail) =>
            ctx.identity.audit.record({
              actor: caller.user.username,
              action,
              target,
              detail: detail ?? '',
              from: ip,
            }),
        },
        ctx,
      );
      // A sign-out, password change, lock, removal or token revocation ends the streams it concerns now.
      if (STATE_CHANGING.has(route.method)) ctx.hub.revalidate();
      return response;
    });
  }
}
