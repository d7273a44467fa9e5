/**
 * logs/store — where security events live for the legal retention. Open a LogStore from a spec:
 *
 *   sqlite:PATH              embedded SQLite (FTS5 trigram full-text search); `memory` for tests
 *   postgres://HOST:PORT/DB  PostgreSQL, partitioned by day; user and password passed in by the
 *                            caller (the CLI reads EGOV_NOC_LOGSTORE_USER / _PASSWORD), never in the URL
 */
import { createLogger, type Logger } from '../../common';
import { PostgresLogStore } from './postgres/store';
import type { LogRetentionOptions } from './retention';
import { parseLogStoreSpec } from './spec';
import { SqliteLogStore } from './sqlite/store';
import type { LogStore } from './types';

export type {
  CountsQuery,
  LogCounts,
  LogPage,
  LogQuery,
  LogStore,
  LogStoreHealth,
  NodeCategoryCount,
  RetentionResult,
  SourceCount,
} from './types';
export { LogQueryError } from './types';
export {
  DEFAULT_RETENTION_DAYS,
  LEGAL_MINIMUM_RETENTION_DAYS,
  checkLogRetention,
  type LogRetentionOptions,
} from './retention';
export { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT } from './query';
export { startRetentionSchedule, type RetentionScheduleOptions } from './retention-schedule';
export { describeLogStoreSpec, parseLogStoreSpec, redactSpec, type LogStoreSpec } from './spec';
export { SqliteLogStore } from './sqlite/store';
export { PostgresLogStore, type PostgresConnection } from './postgres/store';

export interface LogStoreOptions extends LogRetentionOptions {
  logger?: Logger;
  /** PostgreSQL account; default user egov_noc, no password. */
  credentials?: { user?: string; password?: string };
  /** Events waiting to be written (default 100,000); beyond it they are dropped and counted. */
  maxBufferedEvents?: number;
  /** Memory for events waiting to be written, in bytes (default 32 MiB); beyond it they are dropped and counted. */
  maxBufferedBytes?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** JSON-lines file for events the backend refuses for their content (default: beside an SQLite file). */
  deadLetterPath?: string;
  /** Clock for the partitions created ahead (tests). */
  now?: () => number;
}

export const DEFAULT_POSTGRES_USER = 'egov_noc';

/** Build (not yet init) the store a spec names; throws for a bad spec or retention. Call `await store.init()` next. */
export function openLogStore(spec: string, options: LogStoreOptions = {}): LogStore {
  const parsed = parseLogStoreSpec(spec);
  const { credentials, logger = createLogger({ level: 'info' }), ...rest } = options;
  if (parsed.kind === 'sqlite') return new SqliteLogStore({ ...rest, path: parsed.path, logger });
  const { kind: _kind, ...address } = parsed;
  return new PostgresLogStore({
    ...rest,
    logger,
    connection: {
      ...address,
      user: credentials?.user ?? DEFAULT_POSTGRES_USER,
      ...(credentials?.password === undefined ? {} : { password: credentials.password }),
    },
  });
}
