/**
 * The console's Prometheus metrics (prom-client, its own registry): HTTP requests by route and
 * status, WebSocket clients, open alerts by state and severity, the metrics store's backlog, and the
 * process's own (CPU, memory, event-loop lag, descriptors). Gauges are read when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from '../../../common';
import type { AlertFilter } from '../../../domain';
import type { MetricsStore } from '../../../metrics';
import type { AlertsPort } from '../ports';

export interface ConsoleMetricsSources {
  alerts: AlertsPort;
  metrics: MetricsStore;
  webSocketClients: () => number;
}

export interface ConsoleMetrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

const OPEN_ALERTS: AlertFilter = {
  status: ['firing', 'acknowledged'],
  includeSuppressed: true,
  limit: 1_000_000,
};

function alertState(alert: { status: string; suppressedBy: string | null }): string {
  return alert.suppressedBy !== null ? 'suppressed' : alert.status;
}

export function createConsoleMetrics(sources: ConsoleMetricsSources): ConsoleMetrics {
  const registry = new Registry();
  registerProcessMetrics(registry, 'egov_noc_console_');
  const requests = new Counter({
    name: 'egov_noc_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'egov_noc_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'egov_noc_websocket_clients',
    help: 'Live stream (WebSocket) clients connected',
    registers: [registry],
    collect() {
      this.set(sources.webSocketClients());
    },
  });
  new Gauge({
    name: 'egov_noc_alerts',
    help: 'Open alerts by state (firing, acknowledged, suppressed) and severity',
    labelNames: ['state', 'severity'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const alert of sources.alerts.list(OPEN_ALERTS))
        this.inc({ state: alertState(alert), severity: alert.severity });
    },
  });
  new Gauge({
    name: 'egov_noc_metrics_store_pending_points',
    help: 'Points accepted by the metrics store but not yet durable in its backend',
    registers: [registry],
    collect() {
      this.set(sources.metrics.health().pendingPoints);
    },
  });
  new Gauge({
    name: 'egov_noc_metrics_store_spooled_points',
    help: "Points in the metrics store's on-disk outage spool",
    registers: [registry],
    collect() {
      this.set(sources.metrics.health().spooledPoints);
    },
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      durations.observe({ route }, seconds);
    },
  };
}
