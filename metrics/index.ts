/**
 * metrics/ — where samples live. Public face: open a MetricsStore from a spec string.
 *
 *   influx://HOST[:PORT]/DB   InfluxDB 1.x over HTTP (influxs:// for HTTPS); credentials passed in
 *                             by the caller (the CLI reads INFLUX_USERNAME / INFLUX_PASSWORD), never
 *                             from the URL
 *   sqlite:PATH or PATH       embedded SQLite store in that file
 *   memory                    embedded store in memory (tests)
 */
import { join } from 'node:path';
import { EmbeddedMetricsStore } from './embedded/store';
import { InfluxMetricsStore } from './influx/store';
import { createLogger, type Logger } from '../common';
import type { RetentionSettings } from './retention';
import type { MetricsStore } from './types';

export type {
  Aggregation,
  DailyQuery,
  DailySeries,
  MetricsStore,
  RangeQuery,
  Series,
  StoreHealth,
} from './types';
export { DAY_MS, utcDayStart } from './daily-rollup';
export { DEFAULT_RETENTION, ROLLUP_STEP_S, type RetentionSettings } from './retention';
export { EmbeddedMetricsStore } from './embedded/store';
export { InfluxMetricsStore } from './influx/store';
export {
  applyInfluxSchema,
  checkInfluxSchema,
  expectedInfluxSchema,
  RAW_RP,
  rollupRpName,
  type SchemaItem,
  type SchemaItemStatus,
} from './influx/schema';

export interface MetricsStoreOptions {
  /** Default: warnings and errors to stderr at level info. */
  logger?: Logger;
  retention?: RetentionSettings;
  /** InfluxDB: outage spool folder (default .data/metrics-spool/HOST_PORT_DB). */
  spoolDir?: string;
  spoolMaxPoints?: number;
  spoolMaxBytes?: number;
  /** Points per write batch / transaction. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** InfluxDB: concurrent write requests. */
  maxInFlight?: number;
  /** InfluxDB account (the CLI reads it from INFLUX_USERNAME / INFLUX_PASSWORD); none: no auth. */
  credentials?: InfluxCredentials;
  /** Clock, for tests. */
  now?: () => number;
}

export interface InfluxCredentials {
  username: string;
  password: string;
}

export type MetricsSpec =
  | { kind: 'influx'; protocol: 'http' | 'https'; host: string; port: number; database: string }
  | { kind: 'embedded'; path: string };

const SPEC_HELP = 'use influx://HOST:PORT/DB, sqlite:PATH, a file path, or memory';

/** Parse a store spec; throws an Error that says what is wrong and what is accepted. */
export function parseMetricsSpec(spec: string): MetricsSpec {
  const text = spec.trim();
  if (text === '') throw new Error(`metrics store spec is empty: ${SPEC_HELP}`);
  if (text === 'memory') return { kind: 'embedded', path: ':memory:' };
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error(`metrics store spec "${spec}" names no file: ${SPEC_HELP}`);
    return { kind: 'embedded', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'embedded', path: text };
  if (scheme !== 'influx' && scheme !== 'influxs') {
    throw new Error(`metrics store spec "${spec}": unknown scheme "${scheme}://": ${SPEC_HELP}`);
  }
  let url: URL;
  try {
    url = new URL(text.replace(/^influxs?:/i, 'http:'));
  } catch {
    throw new Error(`metrics store spec "${spec}" is not a valid URL: ${SPEC_HELP}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(
      'metrics store spec must not carry credentials (they would end up in logs and process lists): set INFLUX_USERNAME and INFLUX_PASSWORD instead',
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '').replace(/\/$/, ''));
  if (database === '' || database.includes('/')) {
    throw new Error(
      `metrics store spec "${spec}" must name one database, e.g. influx://127.0.0.1:8086/egov_noc`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new Error(
      `metrics store spec "${spec}": query strings and fragments are not supported: ${SPEC_HELP}`,
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`metrics store spec "${spec}" names no host: ${SPEC_HELP}`);
  return {
    kind: 'influx',
    protocol: scheme === 'influxs' ? 'https' : 'http',
    host,
    port: url.port === '' ? 8086 : Number(url.port),
    database,
  };
}

/** The spec as it may be logged (no credentials ever appear in it). */
export function describeMetricsSpec(spec: MetricsSpec): string {
  if (spec.kind === 'embedded') return spec.path === ':memory:' ? 'memory' : `sqlite:${spec.path}`;
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.protocol === 'https' ? 'influxs' : 'influx'}://${host}:${spec.port}/${spec.database}`;
}

/** Build (not yet init) the store a spec names. Call `await store.init()` next. */
export function openMetricsStore(spec: string, opts: MetricsStoreOptions = {}): MetricsStore {
  const parsed = parseMetricsSpec(spec);
  const logger = opts.logger ?? createLogger({ level: 'info' });
  if (parsed.kind === 'embedded') {
    return new EmbeddedMetricsStore({
      path: parsed.path,
      logger,
      ...(opts.retention === undefined ? {} : { retention: opts.retention }),
      ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }),
      ...(opts.flushIntervalMs === undefined ? {} : { flushIntervalMs: opts.flushIntervalMs }),
      ...(opts.now === undefined ? {} : { now: opts.now }),
    });
  }
  const hostForPath = parsed.host.replace(/[^A-Za-z0-9.-]/g, '_');
  return new InfluxMetricsStore({
    host: parsed.host,
    port: parsed.port,
    protocol: parsed.protocol,
    database: parsed.database,
    ...(opts.credentials === undefined ? {} : opts.credentials),
    spoolDir:
      opts.spoolDir ?? join('.data', 'metrics-spool', `${hostForPath}_${parsed.port}_${parsed.database}`),
    logger,
    ...(opts.retention === undefined ? {} : { retention: opts.retention }),
    ...(opts.spoolMaxPoints === undefined ? {} : { spoolMaxPoints: opts.spoolMaxPoints }),
    ...(opts.spoolMaxBytes === undefined ? {} : { spoolMaxBytes: opts.spoolMaxBytes }),
    ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }),
    ...(opts.flushIntervalMs === undefined ? {} : { flushIntervalMs: opts.flushIntervalMs }),
    ...(opts.maxInFlight === undefined ? {} : { maxInFlight: opts.maxInFlight }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
}
