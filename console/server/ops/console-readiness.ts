/** What `/readyz` on the console probes: each store it reads and the bus it listens on. */
import { NatsBus, type EventBus } from '../../../bus';
import type { ReadinessCheck } from '../../../common';
import type { MetricsStore } from '../../../metrics';
import type { AlertsPort, SecurityEventsPort } from '../ports';

/** A measurement no part writes: asking for it costs the store one round trip and returns nothing. */
export const READINESS_PROBE_MEASUREMENT = 'egov_noc_readiness_probe';

export function metricsStoreCheck(metrics: MetricsStore): ReadinessCheck {
  return { name: 'metrics-store', probe: () => metrics.latest(READINESS_PROBE_MEASUREMENT) };
}

/** NATS: a round trip to the server (everything published so far has reached it). */
export function busCheck(bus: EventBus): ReadinessCheck {
  return { name: 'bus', probe: () => (bus instanceof NatsBus ? bus.flush() : undefined) };
}

export function consoleReadinessChecks(parts: {
  metrics: MetricsStore;
  alerts: AlertsPort;
  securityEvents: SecurityEventsPort | null;
  bus: EventBus;
}): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    metricsStoreCheck(parts.metrics),
    { name: 'alert-store', probe: () => parts.alerts.list({ limit: 1 }) },
    busCheck(parts.bus),
  ];
  const logStore = parts.securityEvents;
  if (logStore) {
    const sinceMs = Date.now();
    checks.push({
      name: 'log-store',
      probe: () => logStore.search({ sinceMs, untilMs: sinceMs + 1, limit: 1 }),
    });
  }
  return checks;
}
