/**
 * The embedded store's schema version 3: events stored a block at a time. A row of `event_blocks`
 * holds up to BLOCK_ROWS events encoded back to back (block-events.ts), the ranges of their event
 * and received times, and their counts per node × category and node × source address; its
 * full-text entry (block-index.ts, same rowid) holds their words and a key word per node, user and
 * source address. Writing an event is then copying its bytes and adding its words: no row, no
 * B-tree index entry of its own (version 2 spent about 10 of its 18 µs an event on those).
 * Searches pick blocks by time range and the full-text index in SQL and check each event of those
 * blocks in JavaScript (search.ts); counts read the blocks' summaries, decoding only the blocks a
 * time range cuts through.
 */
import type Database from 'better-sqlite3';
import { encodeValues, maxEncodedBytes, type ColumnValue } from '../event-codec';
import { EVENT_COLUMNS } from '../rows';
import { BLOCK_INDEX_TABLE, BLOCK_ROWS, BLOCK_STORE_INDEX_SCHEMA } from './block-index';
import { SqliteEventWriter } from './writer';

export const BLOCK_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS event_blocks (
  block INTEGER PRIMARY KEY,
  events INTEGER NOT NULL,
  min_time_ms INTEGER NOT NULL,
  max_time_ms INTEGER NOT NULL,
  min_received_ms INTEGER NOT NULL,
  max_received_ms INTEGER NOT NULL,
  summary TEXT NOT NULL,
  body BLOB NOT NULL
);
-- Newest first: a page of results reads blocks by their latest event.
CREATE INDEX IF NOT EXISTS event_blocks_by_time ON event_blocks (max_time_ms);
-- Retention (blocks with an event received before the cutoff) and a retried batch's check.
CREATE INDEX IF NOT EXISTS event_blocks_by_first_received ON event_blocks (min_received_ms);
CREATE INDEX IF NOT EXISTS event_blocks_by_last_received ON event_blocks (max_received_ms);
`;

/** Version 2's rows read per query while moving them into blocks (whole blocks): bounded memory on a store of any size. */
const ROWS_PER_READ = 4 * BLOCK_ROWS;

/**
 * Schema step 3: version 2's rows moved into blocks in their order, the full-text index rebuilt one
 * entry per new block, the rows' table and its indexes dropped.
 */
export function upgradeToBlockStore(db: Database.Database): void {
  db.exec(BLOCK_STORE_SCHEMA);
  db.exec(`DROP TABLE IF EXISTS ${BLOCK_INDEX_TABLE}`);
  db.exec(BLOCK_STORE_INDEX_SCHEMA);
  const writer = new SqliteEventWriter(db, { skipStored: false });
  const read = db
    .prepare(
      `SELECT seq, ${EVENT_COLUMNS.join(', ')} FROM events WHERE seq > ? ORDER BY seq LIMIT ${ROWS_PER_READ}`,
    )
    .raw();
  for (let after = -1; ;) {
    const rows = read.all(after) as ColumnValue[][];
    if (rows.length === 0) break;
    const values = rows.map((row) => row.slice(1));
    const bytes = Buffer.allocUnsafe(values.reduce((sum, row) => sum + maxEncodedBytes(row), 0));
    let used = 0;
    for (const row of values) used = encodeValues(row, bytes, used);
    writer.write([bytes.subarray(0, used)]);
    after = (rows.at(-1) as ColumnValue[])[0] as number;
  }
  db.exec('DROP TABLE events');
}
