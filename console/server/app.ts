/** The Hono app: security headers, request log, the /api route table, /pki (CRL, OCSP), the web app. */
import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import type { ServerContext } from './context';
import { limitRequestBodies } from './http/body-limit';
import { ApiFailure } from './http/errors';
import { hostProblem, type HostPolicy } from './http/host-check';
import { defineRoute, mountRoutes, type AnyRoute } from './http/route';
import { setResponseHeader } from './http/response-headers';
import { mountWebApp } from './http/static';
import { countRequests, mountOpsRoutes, type ConsoleOps } from './ops/routes';
import type { PkiHttpApp } from './ports';
import { accountRoutes } from './routes/account';
import { adminRoutes } from './routes/admin';
import { alertRoutes } from './routes/alerts';
import { assetRoutes } from './routes/assets';
import { unmanagedRoutes } from './routes/unmanaged';
import { auditRoutes } from './routes/audit';
import { certificateRoutes } from './routes/certificates';
import { metricRoutes } from './routes/metrics';
import { buildOpenApi } from './routes/openapi';
import { overviewRoutes } from './routes/overview';
import { reportRoutes } from './routes/reports';
import { securityEventRoutes } from './routes/security-events';
import { sessionRoutes } from './routes/session';
import { topologyRoutes } from './routes/topology';
import { userRoutes } from './routes/users';

const VERSION = '0.1.0';
export const MAX_BODY_BYTES = 256 * 1024;

/** Every /api route. Tests iterate over this table so no route escapes the access checks. */
export function apiRoutes(): AnyRoute[] {
  const routes: AnyRoute[] = [
    ...sessionRoutes,
    ...userRoutes,
    ...topologyRoutes,
    ...overviewRoutes,
    ...metricRoutes,
    ...alertRoutes,
    ...certificateRoutes,
    ...securityEventRoutes,
    ...assetRoutes,
    ...unmanagedRoutes,
    ...reportRoutes,
    ...adminRoutes,
    ...auditRoutes,
    ...accountRoutes,
  ];
  const openapi = buildOpenApi(routes, VERSION);
  routes.push(
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      tag: 'meta',
      permission: 'read',
      returns: 'OpenAPI document',
      handler: ({ c }) => c.json(openapi),
    }),
  );
  return routes;
}

export function buildApp(
  ctx: ServerContext,
  options: { webDist: string | null; pkiHttp: PkiHttpApp | null; hosts: HostPolicy; ops?: ConsoleOps },
): Hono {
  const app = new Hono();
  if (options.ops) app.use('*', countRequests(options.ops.metrics));

  app.use('*', async (c, next) => {
    const startedMs = performance.now();
    await next();
    setResponseHeader(c, 'x-content-type-options', 'nosniff');
    setResponseHeader(c, 'x-frame-options', 'DENY');
    setResponseHeader(c, 'referrer-policy', 'no-referrer');
    if (ctx.secure) setResponseHeader(c, 'strict-transport-security', 'max-age=31536000');
    if (c.req.path.startsWith('/api/')) setResponseHeader(c, 'cache-control', 'no-store');
    else
      setResponseHeader(
        c,
        'content-security-policy',
        "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      );
    ctx.log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - startedMs) * 10) / 10,
        user: (c.get('username' as never) as string | undefined) ?? null,
      },
      'request',
    );
  });

  // JSON answers compress well (a province's topology ~10:1): gzip when the client accepts it. The
  // web app's files are compressed once, in http/static.ts. Only reads, and never the session's
  // answers: a compressed answer that carries a secret (a CSRF token, a new password, a TOTP seed,
  // an API token) beside text a request chose leaks the secret through its length (BREACH).
  const gzipAnswer = compress({ encoding: 'gzip' });
  const gzipReads: MiddlewareHandler = (c, next) =>
    c.req.method === 'GET' && !c.req.path.startsWith('/api/session') ? gzipAnswer(c, next) : next();
  app.use('/api/*', gzipReads);

  app.use('*', async (c, next) => {
    const problem = hostProblem(c.req.header('host'), options.hosts);
    if (problem === null) return next();
    return c.json({ error: { code: 'wrong_host', message: problem } }, 421);
  });

  // The largest legitimate body is a CSR (a few KiB); every route, /pki included, stops at 256 KiB.
  app.use('*', limitRequestBodies(MAX_BODY_BYTES));

  app.onError((error, c) => {
    if (error instanceof ApiFailure) return c.json(error.body(), error.status as 400);
    const correlationId = randomUUID();
    ctx.log.error({ err: error, correlationId, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(
      {
        error: {
          code: 'internal',
          message: 'the server failed to handle this request; quote the correlation id to an administrator',
          correlationId,
        },
      },
      500,
    );
  });

  if (options.ops) mountOpsRoutes(app, options.ops);
  mountRoutes(app, apiRoutes(), ctx);
  app.all('/api/*', (c) =>
    c.json({ error: { code: 'not_found', message: `no API route ${c.req.method} ${c.req.path}` } }, 404),
  );

  if (options.pkiHttp) {
    const pkiHttp = options.pkiHttp;
    app.mount('/pki', (request) => pkiHttp.fetch(request));
  }
  if (options.webDist) mountWebApp(app, options.webDist);
  return app;
}
