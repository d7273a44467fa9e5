/**
 * `egov-noc collect --ops-listen HOST:PORT`: a small HTTP listener for operators and their tools.
 * `/healthz` (the process answers) and `/readyz` (the metrics store, the bus and, with syslog kept, the
 * log store answer; JSON naming each check) are unauthenticated and say nothing more; `/metrics`
 * (Prometheus text) answers this host's loopback peers, or with a token configured whoever sends
 * it. Anything else is 404; only GET and HEAD; request bodies are never read.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NatsBus, type EventBus } from '../bus';
import {
  sharedReadiness,
  metricsRefusal,
  type Logger,
  type MetricsAccess,
  type ReadinessCheck,
  type ReadinessReport,
} from '../common';
import type { MetricsStore } from '../metrics';
import type { CollectorMetrics } from './ops-metrics';

export { createCollectorMetrics, type CollectorMetrics, type SyslogCounts } from './ops-metrics';

/** A measurement no part writes: asking for it costs the store one round trip and returns nothing. */
const PROBE_MEASUREMENT = 'egov_noc_readiness_probe';

export interface CollectorOpsOptions {
  host: string;
  port: number;
  store: MetricsStore;
  bus: EventBus;
  metrics: CollectorMetrics;
  metricsAccess: MetricsAccess;
  /** With `--log-store`: answers when the log store's backend does and its last write succeeded. */
  pingLogStore?: () => Promise<void>;
  log: Logger;
}

export interface CollectorOps {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function collectorReadinessChecks(
  store: MetricsStore,
  bus: EventBus,
  pingLogStore?: () => Promise<void>,
): ReadinessCheck[] {
  return [
    { name: 'metrics-store', probe: () => store.latest(PROBE_MEASUREMENT) },
    { name: 'bus', probe: () => (bus instanceof NatsBus ? bus.flush() : undefined) },
    ...(pingLogStore ? [{ name: 'log-store', probe: pingLogStore }] : []),
  ];
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  options: CollectorOpsOptions,
  readiness: () => Promise<ReadinessReport>,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return sendJson(response, 405, { error: { code: 'method_not_allowed', message: 'only GET' } });
  if (path === '/healthz') return sendJson(response, 200, { status: 'alive' });
  if (path === '/readyz') {
    const report = await readiness();
    return sendJson(response, report.ready ? 200 : 503, {
      status: report.ready ? 'ready' : 'unready',
      checks: report.checks,
    });
  }
  if (path === '/metrics') {
    const refusal = metricsRefusal(options.metricsAccess, {
      remoteAddress: request.socket.remoteAddress,
      authorization: request.headers.authorization,
    });
    if (refusal)
      return sendJson(response, refusal.status, {
        error: { code: 'metrics_refused', message: refusal.message },
      });
    const text = await options.metrics.registry.metrics();
    response.writeHead(200, {
      'content-type': options.metrics.registry.contentType,
      'cache-control': 'no-store',
    });
    response.end(text);
    return;
  }
  sendJson(response, 404, { error: { code: 'not_found', message: 'try /healthz, /readyz or /metrics' } });
}

export async function startCollectorOps(options: CollectorOpsOptions): Promise<CollectorOps> {
  const readiness = sharedReadiness(
    collectorReadinessChecks(options.store, options.bus, options.pingLogStore),
    {
      onFailure: (check, error) => options.log.warn({ check, err: error }, 'readiness check failing'),
    },
  );
  const server: Server = createServer((request, response) => {
    answer(request, response, options, readiness).catch((error: unknown) => {
      options.log.error({ err: error, path: request.url }, 'ops request failed');
      if (!response.headersSent)
        sendJson(response, 500, { error: { code: 'internal', message: 'see the collector log' } });
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
