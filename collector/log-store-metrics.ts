/**
 * The log store's series on the collector's /metrics: its write buffer (events and bytes waiting,
 * and the bounds set by --log-buffer-events / --log-buffer-bytes), whether its backend takes writes,
 * and the events written, dropped for a full buffer and dead-lettered. Registered once a log store
 * runs: a collector without one has none of these series.
 */
import { Gauge, type Registry } from 'prom-client';
import type { LogStoreHealth } from '../logs';
import { registerScrapedTotal } from './scraped-totals';

type Reading = (health: LogStoreHealth) => number;

const GAUGES: Array<[name: string, help: string, reading: Reading]> = [
  [
    'egov_noc_log_store_buffered_events',
    "Security events waiting in the log store's buffer to be written",
    (h) => h.pendingEvents,
  ],
  [
    'egov_noc_log_store_buffered_bytes',
    "Memory the log store's buffer holds for events (pages off the V8 heap, spare ones included)",
    (h) => h.bufferedBytes,
  ],
  [
    'egov_noc_log_store_buffer_max_events',
    "The log store buffer's bound in events (--log-buffer-events): beyond it new events are dropped",
    (h) => h.maxBufferedEvents,
  ],
  [
    'egov_noc_log_store_buffer_max_bytes',
    "The log store buffer's bound in bytes (--log-buffer-bytes): beyond it new events are dropped",
    (h) => h.maxBufferedBytes,
  ],
  [
    'egov_noc_log_store_backend_up',
    'Whether the last write to the log store backend succeeded (1) or failed (0)',
    (h) => (h.backendUp ? 1 : 0),
  ],
];

const TOTALS: Array<[name: string, help: string, reading: Reading]> = [
  [
    'egov_noc_log_store_written_events_total',
    'Security events written to the log store',
    (h) => h.writtenEvents,
  ],
  [
    'egov_noc_log_store_dropped_events_total',
    "Security events dropped because the log store's buffer was full (a bound reached)",
    (h) => h.droppedEvents,
  ],
  [
    'egov_noc_log_store_dead_lettered_events_total',
    'Security events the log store backend refused for their content, set aside in the dead letter',
    (h) => h.deadLetteredEvents,
  ],
];

/** Registers the log store's series, each reading `health()` when scraped (null: nothing to report). */
export function registerLogStoreMetrics(registry: Registry, health: () => LogStoreHealth | null): void {
  for (const [name, help, reading] of GAUGES)
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const now = health();
        if (now) this.set(reading(now));
      },
    });
  for (const [name, help, reading] of TOTALS)
    registerScrapedTotal(registry, name, help, () => {
      const now = health();
      return now ? reading(now) : undefined;
    });
}
