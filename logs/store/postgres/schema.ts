/**
 * The PostgreSQL schema: one table partitioned by range on the day an event was received, one
 * partition per UTC day named security_events_pYYYYMMDD. Retention drops whole partitions. Plain
 * SQL only, so PostgreSQL-compatible servers (KingbaseES; openGauss with its own partition syntax,
 * see docs/logs-store.md) need no extension; pg_trgm, when installed, only adds an index. Ids,
 * nodes and addresses sort bytewise (COLLATE "C"), as in SQLite, whatever the server's locale.
 */
import { DAY_MS } from '../retention';

export const PARENT_TABLE = 'security_events';

export const PARENT_DDL = `
CREATE TABLE IF NOT EXISTS ${PARENT_TABLE} (
  id TEXT COLLATE "C" NOT NULL,
  time_ms BIGINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  node TEXT COLLATE "C",
  zone TEXT,
  sender_address TEXT NOT NULL,
  hostname TEXT,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  format TEXT NOT NULL,
  message_id TEXT,
  user_name TEXT,
  source_address TEXT COLLATE "C",
  text TEXT NOT NULL,
  raw_base64 TEXT,
  PRIMARY KEY (received_at_ms, id)
) PARTITION BY RANGE (received_at_ms)`;

/** The searchable text, lower-cased: what a free-text term is matched against. */
export const SEARCHABLE_TEXT =
  "lower(text || chr(10) || coalesce(message_id, '') || chr(10) || coalesce(user_name, '') || chr(10) || coalesce(hostname, ''))";

export const INDEX_DDL = [
  `CREATE INDEX IF NOT EXISTS ${PARENT_TABLE}_time ON ${PARENT_TABLE} (time_ms DESC, id DESC)`,
  `CREATE INDEX IF NOT EXISTS ${PARENT_TABLE}_node_time ON ${PARENT_TABLE} (node, time_ms DESC)`,
  `CREATE INDEX IF NOT EXISTS ${PARENT_TABLE}_source_time ON ${PARENT_TABLE} (source_address, time_ms DESC)`,
];

/** Only when pg_trgm is already installed (never required): speeds up the LIKE of text search. */
export const TRIGRAM_INDEX_DDL = `CREATE INDEX IF NOT EXISTS ${PARENT_TABLE}_text_trgm ON ${PARENT_TABLE} USING gin ((${SEARCHABLE_TEXT}) gin_trgm_ops)`;

export const dayStartMs = (timeMs: number): number => Math.floor(timeMs / DAY_MS) * DAY_MS;

export function partitionName(dayMs: number): string {
  return `${PARENT_TABLE}_p${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The day a partition holds, from its name; null for a table that is not one of ours. */
export function partitionDay(name: string): number | null {
  const match = new RegExp(`^${PARENT_TABLE}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  if (match === null) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export function partitionDdl(dayMs: number): string {
  return `CREATE TABLE IF NOT EXISTS ${partitionName(dayMs)} PARTITION OF ${PARENT_TABLE} FOR VALUES FROM (${dayMs}) TO (${dayMs + DAY_MS})`;
}
