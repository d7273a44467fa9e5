/**
 * The embedded store's schema: one table of events and an FTS5 index with the trigram tokenizer
 * over the searchable text, so substring search works in any script (Chinese has no spaces to
 * split words on). Terms under three characters cannot use trigrams and fall back to instr().
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
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
CREATE INDEX IF NOT EXISTS events_time ON events (time_ms DESC, id DESC);
CREATE INDEX IF NOT EXISTS events_node_time ON events (node, time_ms DESC);
CREATE INDEX IF NOT EXISTS events_source_time ON events (source_address, time_ms DESC);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at_ms);
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  text, message_id, user_name, hostname,
  content = 'events', content_rowid = 'seq', tokenize = 'trigram'
);
CREATE TRIGGER IF NOT EXISTS events_fts_insert AFTER INSERT ON events BEGIN
  INSERT INTO events_fts (rowid, text, message_id, user_name, hostname)
  VALUES (new.seq, new.text, new.message_id, new.user_name, new.hostname);
END;
CREATE TRIGGER IF NOT EXISTS events_fts_delete AFTER DELETE ON events BEGIN
  INSERT INTO events_fts (events_fts, rowid, text, message_id, user_name, hostname)
  VALUES ('delete', old.seq, old.text, old.message_id, old.user_name, old.hostname);
END;
`;

/** The searchable text of a row, lower-cased, for the short-term fallback. */
export const SEARCHABLE_TEXT =
  "lower(text || char(10) || coalesce(message_id, '') || char(10) || coalesce(user_name, '') || char(10) || coalesce(hostname, ''))";

/** Whether this SQLite build has FTS5 with the trigram tokenizer (SQLite 3.34+). */
export const TRIGRAM_PROBE = "CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize = 'trigram')";
