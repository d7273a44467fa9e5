/**
 * Retention for the embedded store: samples, 5-minute and daily rollups past their retention are deleted oldest
 * first, a slice of time per transaction with a yield in between, so a large store never stalls the
 * process for long (at 5,000 nodes ten minutes of samples are ~20 million rows).
 */
import type Database from 'better-sqlite3';
import type { RetentionSettings } from '../retention';

const DAY_MS = 86_400_000;

export interface PrunedRows {
  rawRows: number;
  rollupRows: number;
  dailyRows: number;
}

interface ExpiringTable {
  table: 'samples' | 'rollup_5m' | 'rollup_1d';
  timeColumn: 't' | 'b' | 'd';
  counter: keyof PrunedRows;
  cutoffMs: number;
  sliceMs: number;
}

/**
 * Delete what is past retention at `nowMs`. `currentDb` is asked before every slice: when it returns
 * null (the store was closed meanwhile) pruning stops.
 */
export async function pruneExpired(
  currentDb: () => Database.Database | null,
  retention: RetentionSettings,
  nowMs: number,
): Promise<PrunedRows> {
  const tables: ExpiringTable[] = [
    {
      table: 'samples',
      timeColumn: 't',
      counter: 'rawRows',
      cutoffMs: nowMs - retention.rawRetentionDays * DAY_MS,
      sliceMs: 10_000,
    },
    {
      table: 'rollup_5m',
      timeColumn: 'b',
      counter: 'rollupRows',
      cutoffMs: nowMs - retention.rollupRetentionDays * DAY_MS,
      sliceMs: DAY_MS,
    },
    {
      table: 'rollup_1d',
      timeColumn: 'd',
      counter: 'dailyRows',
      cutoffMs: nowMs - retention.dailyRetentionDays * DAY_MS,
      sliceMs: 30 * DAY_MS,
    },
  ];
  const pruned: PrunedRows = { rawRows: 0, rollupRows: 0, dailyRows: 0 };
  for (const expiring of tables) {
    for (;;) {
      const db = currentDb();
      if (db === null) return pruned;
      const deleted = deleteOldestSlice(db, expiring);
      if (deleted === null) break;
      pruned[expiring.counter] += deleted;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return pruned;
}

/** Delete the oldest slice before the cutoff; null when nothing is older than the cutoff. */
function deleteOldestSlice(
  db: Database.Database,
  { table, timeColumn, cutoffMs, sliceMs }: ExpiringTable,
): number | null {
  const oldest = db
    .prepare<[], { t: number | null }>(`SELECT min(${timeColumn}) AS t FROM ${table}`)
    .get()?.t;
  if (oldest === null || oldest === undefined || oldest >= cutoffMs) return null;
  return db.prepare(`DELETE FROM ${table} WHERE ${timeColumn} < ?`).run(Math.min(cutoffMs, oldest + sliceMs))
    .changes;
}
