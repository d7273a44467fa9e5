/**
 * The embedded store's schema, version 1: one table of events and a contentless FTS5 index with the
 * trigram tokenizer over each event's searchable text, so substring search works in any script
 * (Chinese has no spaces to split words on). Version 2 (migrations.ts) replaced that per-row index
 * with one entry per block of rows (block-index.ts), and version 3 the rows with blocks of events
 * (block-schema.ts). Kept as it was: a store is upgraded from it step by step.
 */

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  node TEXT,
  zone TEXT,
  sender_address TEXT NOT NULL,
  hostname TEXT,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  format TEXT NOT NULL,
  message_id TEXT,
  user_name TEXT,
  source_address TEXT,
  text TEXT NOT NULL,
  raw_base64 TEXT
);
-- By time alone: each row's key ends in its seq, so rows arriving in time order append at the right
-- edge (an (time_ms, id) key put every insert at a random page: random UUIDs). Ties on time_ms are
-- ordered by id in a small sort per page of results. Replaces the older events_time.
DROP INDEX IF EXISTS events_time;
CREATE INDEX IF NOT EXISTS events_by_time ON events (time_ms);
CREATE INDEX IF NOT EXISTS events_node_time ON events (node, time_ms DESC);
CREATE INDEX IF NOT EXISTS events_source_time ON events (source_address, time_ms DESC);
-- Unique as in PostgreSQL, where the partition column must be part of the key. Ids are random
-- (UUIDs); leading with the time received keeps inserts at the index's right edge, in cache.
CREATE UNIQUE INDEX IF NOT EXISTS events_received_id ON events (received_at_ms, id);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  doc, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'none'
);
`;

/** Case folding the same way for the index, the exact check and the query terms (JavaScript's, all scripts; event-filter.ts). */
export const fold = (text: string): string => text.toLowerCase();

/** Whether this SQLite build has FTS5 with the trigram tokenizer (3.34+) and contentless delete (3.43+). */
export const TRIGRAM_PROBE =
  "CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'none')";
