/**
 * LogStore: where security events (parsed device log lines) live for the legal retention. Two
 * implementations pass one contract suite (test/logs/store/contract.ts): embedded SQLite (default)
 * and PostgreSQL partitioned by day (production). Schema and retention: docs/logs-store.md.
 */
import type { NodeId, SecurityCategory, SecurityEvent, Zone } from '../../domain';

export interface LogQuery {
  /**
   * The nodes the caller may see (a county operator's subtree). Undefined: everything, including
   * events from unknown senders; a list: only events of those nodes (an empty list sees nothing).
   */
  scope?: readonly NodeId[];
  node?: NodeId;
  user?: string;
  /** The actor's address (the login's or denied flow's source), exact match. */
  sourceAddress?: string;
  category?: SecurityCategory;
  zone?: Zone;
  /** Whitespace-separated terms; each must appear (case-insensitive substring) in the text, message id, user or hostname. */
  text?: string;
  /** Event time range [sinceMs, untilMs). */
  sinceMs?: number;
  untilMs?: number;
  /** Page size, 1..MAX_SEARCH_LIMIT (default DEFAULT_SEARCH_LIMIT). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface LogPage {
  /** Newest first (event time, then id). */
  events: SecurityEvent[];
  /** Pass as `cursor` for the next (older) page; null when this was the last. */
  nextCursor: string | null;
}

export interface CountsQuery {
  scope?: readonly NodeId[];
  sinceMs: number;
  untilMs: number;
  /** How many top source addresses to return (default 10, at most 100). */
  topSources?: number;
}

export interface NodeCategoryCount {
  node: NodeId | null;
  category: SecurityCategory;
  count: number;
}

export interface SourceCount {
  sourceAddress: string;
  count: number;
}

export interface LogCounts {
  /** Sorted by node (unknown senders last), then category. */
  byNodeCategory: NodeCategoryCount[];
  /** Most frequent source addresses first (ties by address). */
  topSources: SourceCount[];
}

export interface RetentionResult {
  /** Events received before this instant are gone. */
  cutoffMs: number;
  /** Rows deleted one by one (SQLite, or the PostgreSQL day partition that straddles the cutoff). */
  deletedEvents: number;
  /** Whole day partitions dropped (PostgreSQL). */
  droppedPartitions: string[];
}

export interface LogStoreHealth {
  /** Events accepted but not yet written (not counting a batch being written). */
  pendingEvents: number;
  /** Memory the buffer holds for events, in bytes: bounded by the store's maxBufferedBytes. */
  bufferedBytes: number;
  /** Events refused because the buffer was full: never silent, always counted. */
  droppedEvents: number;
  /** Events the backend refused for their content, set aside in the dead-letter file, not retried. */
  deadLetteredEvents: number;
  /** Events written since the store opened. */
  writtenEvents: number;
  /** Whether the last write to the backend succeeded. */
  backendUp: boolean;
  /** The last backend error, without credentials. */
  lastError: string | null;
  /** The buffer's bound in events: beyond it new events are dropped (and counted). */
  maxBufferedEvents: number;
  /** The buffer's bound in bytes (pages off the V8 heap): beyond it new events are dropped (and counted). */
  maxBufferedBytes: number;
}

export interface LogStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Create tables, indexes and the partitions ahead if missing. Idempotent. */
  init(): Promise<void>;
  /** Accept events; buffered and batched. Never throws: a backend outage keeps them buffered (bounded). */
  write(events: readonly SecurityEvent[]): void;
  /** Write everything buffered now (shutdown, tests). Never throws; see health(). */
  flush(): Promise<void>;
  /** Throws LogQueryError for a bad query (the console answers 400 with its message). */
  search(query: LogQuery): Promise<LogPage>;
  counts(query: CountsQuery): Promise<LogCounts>;
  /** Remove events received before nowMs minus the retention. */
  applyRetention(nowMs: number): Promise<RetentionResult>;
  health(): LogStoreHealth;
  /**
   * Resolves when the backend answers now (a trivial query) and its last write succeeded; rejects
   * with the reason (never a credential) when not. For readiness: `/readyz` names the log store.
   */
  ping(): Promise<void>;
  /** Flush, stop timers, close the backend. */
  close(): Promise<void>;
}

/** A query a user got wrong (bad cursor, limit, range): say what and why. */
export class LogQueryError extends Error {
  override name = 'LogQueryError';
}
