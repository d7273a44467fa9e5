/** Day partitions: created before any row needs one (and a day ahead), dropped whole by retention. */
import type pg from 'pg';
import { DAY_MS } from '../retention';
import { PARENT_TABLE, dayStartMs, partitionDay, partitionDdl, partitionName } from './schema';

/** PostgreSQL's "relation already exists": a concurrent writer created the partition first. */
const DUPLICATE_TABLE = '42P07';

export class DayPartitions {
  private readonly known = new Set<number>();

  constructor(private readonly pool: pg.Pool) {}

  async load(): Promise<void> {
    for (const name of await this.list()) {
      const day = partitionDay(name);
      if (day !== null) this.known.add(day);
    }
  }

  /** The names of the parent's partitions. */
  async list(): Promise<string[]> {
    const result = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = $1 AND pg_table_is_visible(p.oid)`,
      [PARENT_TABLE],
    );
    return result.rows.map((row) => row.name);
  }

  /** Make sure the day of each instant has a partition. */
  async ensure(instantsMs: Iterable<number>): Promise<void> {
    for (const day of new Set([...instantsMs].map(dayStartMs))) {
      if (this.known.has(day)) continue;
      try {
        await this.pool.query(partitionDdl(day));
      } catch (error) {
        if ((error as { code?: string }).code !== DUPLICATE_TABLE) throw error;
      }
      this.known.add(day);
    }
  }

  /** Today's partition and tomorrow's, so writes just after midnight never wait on DDL. */
  ensureAhead(nowMs: number): Promise<void> {
    return this.ensure([nowMs, nowMs + DAY_MS]);
  }

  /** Drop every partition whose whole day is before the cutoff; returns their names. */
  async dropBefore(cutoffMs: number): Promise<string[]> {
    const dropped: string[] = [];
    for (const name of await this.list()) {
      const day = partitionDay(name);
      if (day === null || day + DAY_MS > cutoffMs) continue;
      await this.pool.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
      this.known.delete(day);
      dropped.push(name);
    }
    return dropped.sort();
  }
}
