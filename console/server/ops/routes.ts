/**
 * The operator surface on the console's own port: `/healthz` (the process answers), `/readyz` (its
 * stores and bus answer; JSON naming each check, ok or failing, 503 when one fails) — both
 * unauthenticated and saying nothing more — and `/metrics` (Prometheus text) for this host's
 * loopback peers or, with a metrics token configured, for whoever sends it.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import {
  sharedReadiness,
  metricsRefusal,
  type Logger,
  type MetricsAccess,
  type ReadinessCheck,
} from '../../../common';
import { clientIp } from '../http/client-ip';
import type { ConsoleMetrics } from './console-metrics';

export interface ConsoleOps {
  metrics: ConsoleMetrics;
  readiness: readonly ReadinessCheck[];
  metricsAccess: MetricsAccess;
  log: Logger;
}

export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

/** Counts every answered request by its route pattern (never the raw path: bounded label values). */
export function countRequests(metrics: ConsoleMetrics): MiddlewareHandler {
  return async (c, next) => {
    const startedMs = performance.now();
    await next();
    metrics.observeRequest(
      c.req.method,
      c.req.routePath,
      c.res.status,
      (performance.now() - startedMs) / 1000,
    );
  };
}

function noStore(c: Context): void {
  c.header('cache-control', 'no-store');
}

export function mountOpsRoutes(app: Hono, ops: ConsoleOps): void {
  app.get('/healthz', (c) => {
    noStore(c);
    return c.json({ status: 'alive' });
  });
  const readiness = sharedReadiness(ops.readiness, {
    onFailure: (check, error) => ops.log.warn({ check, err: error }, 'readiness check failing'),
  });
  app.get('/readyz', async (c) => {
    noStore(c);
    const report = await readiness();
    return c.json(
      { status: report.ready ? 'ready' : 'unready', checks: report.checks },
      report.ready ? 200 : 503,
    );
  });
  app.get('/metrics', async (c) => {
    noStore(c);
    const refusal = metricsRefusal(ops.metricsAccess, {
      remoteAddress: clientIp(c),
      authorization: c.req.header('authorization'),
    });
    if (refusal)
      return c.json({ error: { code: 'metrics_refused', message: refusal.message } }, refusal.status);
    return c.body(await ops.metrics.registry.metrics(), 200, {
      'content-type': ops.metrics.registry.contentType,
    });
  });
}
