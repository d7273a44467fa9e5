/**
 * The collector's Prometheus metrics (prom-client, its own registry): polls by outcome, poll
 * latency, queue lag, the metrics store's backlog and spool, syslog messages received and dropped,
 * the log store's buffer (log-store-metrics.ts) and the process's own. Totals the collector already
 * keeps are read when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from '../common';
import type { LogStoreHealth } from '../logs';
import type { MetricsStore } from '../metrics';
import type { CollectorStatus, PollOutcome, RunningCollector } from './collector';
import { registerLogStoreMetrics } from './log-store-metrics';
import { registerScrapedTotal } from './scraped-totals';

export interface SyslogCounts {
  received: number;
  dropped: number;
  /** Datagrams the kernel dropped for the UDP socket; null where the receive path cannot tell. */
  kernelDropped: number | null;
}

export interface CollectorMetrics {
  registry: Registry;
  observePoll(durationMs: number, outcome: PollOutcome): void;
  observeStatus(status: CollectorStatus): void;
  /** The parts read at scrape time, known once they run. */
  attach(sources: {
    collector: RunningCollector;
    store: MetricsStore;
    syslog?: () => SyslogCounts | null;
    /** The log store's health: its series appear once a log store is attached. */
    logStore?: () => LogStoreHealth | null;
  }): void;
}

export function createCollectorMetrics(): CollectorMetrics {
  const registry = new Registry();
  registerProcessMetrics(registry, 'egov_noc_collector_');
  let sources: Parameters<CollectorMetrics['attach']>[0] | null = null;
  const polls = new Counter({
    name: 'egov_noc_polls_total',
    help: 'SNMP polls finished, by outcome (ok, timeout, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'egov_noc_poll_duration_seconds',
    help: 'Time from the first request of a poll to its last answer (or its timeout)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const queueLag = new Gauge({
    name: 'egov_noc_poll_queue_lag_seconds',
    help: 'Mean lag of poll starts behind their slots in the last status period',
    registers: [registry],
  });
  const queueLagMax = new Gauge({
    name: 'egov_noc_poll_queue_lag_max_seconds',
    help: 'Largest lag of a poll start behind its slot in the last status period',
    registers: [registry],
  });
  new Gauge({
    name: 'egov_noc_polls_queued',
    help: 'Polls due and waiting for a free slot',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.collector.stats().queued);
    },
  });
  new Gauge({
    name: 'egov_noc_nodes_unreachable',
    help: 'Polled nodes currently unreachable',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.collector.stats().unreachable);
    },
  });
  new Gauge({
    name: 'egov_noc_metrics_store_pending_points',
    help: 'Points accepted by the metrics store but not yet durable in its backend',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.store.health().pendingPoints);
    },
  });
  new Gauge({
    name: 'egov_noc_metrics_store_spooled_points',
    help: "Points in the metrics store's on-disk outage spool",
    registers: [registry],
    collect() {
      if (sources) this.set(sources.store.health().spooledPoints);
    },
  });
  const totals: Array<[name: string, help: string, read: () => number | undefined]> = [
    [
      'egov_noc_metrics_store_dropped_points_total',
      'Points the metrics store dropped because its spool was full',
      () => sources?.store.health().droppedPoints,
    ],
    [
      'egov_noc_syslog_messages_received_total',
      'Syslog messages received (datagrams, TCP and TLS frames)',
      () => sources?.syslog?.()?.received,
    ],
    [
      'egov_noc_syslog_messages_dropped_total',
      'Syslog messages lost (sink failed, connection over the limit)',
      () => sources?.syslog?.()?.dropped,
    ],
    [
      'egov_noc_syslog_datagrams_kernel_dropped_total',
      "Syslog UDP datagrams the kernel dropped before they were read (the socket's receive buffer full)",
      () => sources?.syslog?.()?.kernelDropped ?? undefined,
    ],
  ];
  for (const [name, help, read] of totals) registerScrapedTotal(registry, name, help, read);
  let logStoreRegistered = false;
  return {
    registry,
    observePoll(durationMs, outcome) {
      polls.inc({ outcome });
      latency.observe(durationMs / 1000);
    },
    observeStatus(status) {
      queueLag.set(status.snapshot.queueLagMs / 1000);
      queueLagMax.set(status.snapshot.maxQueueLagMs / 1000);
    },
    attach(attached) {
      sources = attached;
      if (attached.logStore === undefined || logStoreRegistered) return;
      registerLogStoreMetrics(registry, () => sources?.logStore?.() ?? null);
      logStoreRegistered = true;
    },
  };
}
