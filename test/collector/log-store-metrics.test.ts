/**
 * The log store's series on the collector's /metrics (collector/log-store-metrics.ts): the buffer's
 * fill and bounds read from health() when scraped, its totals as counters that only move up, and
 * nothing at all for a collector without a log store. Checked by Debian's `promtool check metrics`.
 */
import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCollectorMetrics } from '../../collector';
import { registerLogStoreMetrics } from '../../collector/log-store-metrics';
import type { LogStoreHealth } from '../../logs';

function healthOf(overrides: Partial<LogStoreHealth> = {}): LogStoreHealth {
  return {
    pendingEvents: 0,
    bufferedBytes: 0,
    droppedEvents: 0,
    deadLetteredEvents: 0,
    writtenEvents: 0,
    backendUp: true,
    lastError: null,
    maxBufferedEvents: 5,
    maxBufferedBytes: 262_144,
    ...overrides,
  };
}

function sample(text: string, name: string): string | undefined {
  return new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
}

describe("the collector's log store metrics", () => {
  it('reads the buffer, its bounds and its totals when scraped', async () => {
    const registry = new Registry();
    let health = healthOf();
    registerLogStoreMetrics(registry, () => health);
    health = healthOf({
      pendingEvents: 5,
      bufferedBytes: 65_536,
      droppedEvents: 195,
      writtenEvents: 12,
      deadLetteredEvents: 1,
      backendUp: false,
      lastError: 'connect ECONNREFUSED',
    });
    const text = await registry.metrics();
    expect(
      Object.fromEntries(
        [
          'buffered_events',
          'buffered_bytes',
          'buffer_max_events',
          'buffer_max_bytes',
          'backend_up',
          'written_events_total',
          'dropped_events_total',
          'dead_lettered_events_total',
        ].map((name) => [name, sample(text, `egov_noc_log_store_${name}`)]),
      ),
    ).toEqual({
      buffered_events: '5',
      buffered_bytes: '65536',
      buffer_max_events: '5',
      buffer_max_bytes: '262144',
      backend_up: '0',
      written_events_total: '12',
      dropped_events_total: '195',
      dead_lettered_events_total: '1',
    });
    expect(text).not.toContain('ECONNREFUSED');
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${promtool.stdout}${promtool.stderr}`).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('counters follow the totals from one scrape to the next', async () => {
    const registry = new Registry();
    let health = healthOf({ droppedEvents: 3 });
    registerLogStoreMetrics(registry, () => health);
    expect(sample(await registry.metrics(), 'egov_noc_log_store_dropped_events_total')).toBe('3');
    health = healthOf({ droppedEvents: 10 });
    expect(sample(await registry.metrics(), 'egov_noc_log_store_dropped_events_total')).toBe('10');
    expect(sample(await registry.metrics(), 'egov_noc_log_store_dropped_events_total')).toBe('10');
  });

  it('a collector without a log store has none of its series', async () => {
    const metrics = createCollectorMetrics();
    expect(await metrics.registry.metrics()).not.toContain('egov_noc_log_store_');
  });
});
