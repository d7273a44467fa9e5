/**
 * The process's own Prometheus metrics (CPU, memory, event-loop lag, descriptors, GC) for a part's
 * registry, without prom-client's three gauges named `…_total` that Prometheus' own lint
 * (`promtool check metrics`) refuses: a `_total` suffix promises a counter.
 */
import { collectDefaultMetrics, type Registry } from 'prom-client';

const MISNAMED_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function registerProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of MISNAMED_GAUGES) registry.removeSingleMetric(`${prefix}${name}`);
}
