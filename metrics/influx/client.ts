/**
 * The `influx` client as the store uses it: created without retries or backoff (the store retries
 * through its spool), one batch written to the raw retention policy, and what a failure means.
 */
import { InfluxDB, type IPoint } from 'influx';
import type { MetricPoint } from '../../domain';
import { RAW_RP } from './schema';

export interface InfluxClientOptions {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  database: string;
  username?: string;
  password?: string;
  requestTimeoutMs: number;
}

/** A backoff that never disables the host: the store does its own retrying through the spool. */
const noBackoff = {
  getDelay: () => 0,
  next() {
    return noBackoff;
  },
  reset() {
    return noBackoff;
  },
};

export function createInfluxClient(opts: InfluxClientOptions): InfluxDB {
  return new InfluxDB({
    host: opts.host,
    port: opts.port,
    protocol: opts.protocol,
    database: opts.database,
    ...(opts.username === undefined ? {} : { username: opts.username, password: opts.password ?? '' }),
    pool: { maxRetries: 0, requestTimeout: opts.requestTimeoutMs, backoff: noBackoff },
  });
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The server answered with an HTTP status (as opposed to not answering at all). */
export function answeredHttp(error: unknown): boolean {
  return /^A \d{3} /.test(errorText(error));
}

/** The client could not even format the batch: retrying or spooling it cannot help. */
class UnwritableBatchError extends Error {}

/**
 * How many points of a failed batch InfluxDB refused for good, or null for an outage (spool and
 * retry). A 400 means InfluxDB parsed the request and refused the points: retrying cannot help.
 */
export function rejectedPoints(error: unknown, batchSize: number): number | null {
  if (error instanceof UnwritableBatchError) return batchSize;
  const message = errorText(error);
  if (!/^A 400 /.test(message)) return null;
  const dropped = /dropped=(\d+)/.exec(message);
  return dropped === null ? batchSize : Math.min(batchSize, Number(dropped[1]));
}

/** Write one batch into the raw retention policy, millisecond precision. */
export function writeBatch(influx: InfluxDB, database: string, points: MetricPoint[]): Promise<void> {
  const ipoints: IPoint[] = points.map((p) => ({
    measurement: p.measurement,
    tags: p.tags,
    fields: p.fields,
    timestamp: p.timeMs,
  }));
  try {
    return influx.writePoints(ipoints, { database, retentionPolicy: RAW_RP, precision: 'ms' });
  } catch (error) {
    // The client formats the request synchronously; a throw there is a rejected write, not a crash.
    return Promise.reject(new UnwritableBatchError(errorText(error)));
  }
}
