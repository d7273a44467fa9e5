/**
 * Retention in the embedded store (block-store schema, block-schema.ts): a block whose events were
 * all received before the cutoff goes with its full-text entry; a block the cutoff cuts through is
 * written again with only its younger events (its entry is kept: words of events gone only cost a
 * few extra events checked, and the entry goes with the block's last event).
 */
import type Database from 'better-sqlite3';
import { BUILT_FROM, BlockBuilder, blockColumns } from './block-builder';
import { RECEIVED, forEachEncoded } from './block-events';
import { BLOCK_INDEX_TABLE } from './block-index';

/** Removes every event received before `cutoffMs`; returns how many. Call inside a transaction. */
export function expireBlocks(db: Database.Database, cutoffMs: number): number {
  const touched = db
    .prepare(
      'SELECT block, events, max_received_ms AS maxReceivedMs FROM event_blocks WHERE min_received_ms < ?',
    )
    .all(cutoffMs) as Array<{ block: number; events: number; maxReceivedMs: number }>;
  const dropBlock = db.prepare('DELETE FROM event_blocks WHERE block = ?');
  const dropEntry = db.prepare(`DELETE FROM ${BLOCK_INDEX_TABLE} WHERE rowid = ?`);
  const body = db.prepare('SELECT body FROM event_blocks WHERE block = ?').pluck();
  const rewrite = db.prepare(
    `UPDATE event_blocks SET events = ?, min_time_ms = ?, max_time_ms = ?, min_received_ms = ?,
       max_received_ms = ?, summary = ?, body = ? WHERE block = ?`,
  );
  let deleted = 0;
  for (const { block, events, maxReceivedMs } of touched) {
    if (maxReceivedMs < cutoffMs) {
      dropBlock.run(block);
      dropEntry.run(block);
      deleted += events;
      continue;
    }
    const kept = new BlockBuilder();
    const bytes = body.get(block) as Buffer;
    forEachEncoded(
      bytes,
      (values, start, end) => {
        if ((values[RECEIVED] as number) >= cutoffMs) kept.add(values, bytes, start, end);
      },
      BUILT_FROM,
    );
    const built = kept.build();
    rewrite.run(...blockColumns(built), block);
    deleted += events - built.events;
  }
  return deleted;
}
