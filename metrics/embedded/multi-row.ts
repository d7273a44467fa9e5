/**
 * Multi-row INSERTs for the writer's hot path: rows are buffered and written up to CHUNK_ROWS per
 * statement (a statement per row count, prepared once), which saves most of the per-statement cost
 * of writing ~10 samples and ~10 rollup rows per point.
 */
import type Database from 'better-sqlite3';

const CHUNK_ROWS = 100;

export class MultiRowInsert {
  private readonly statements = new Map<number, Database.Statement<number[]>>();
  /** One chunk's values, reused from chunk to chunk. */
  private readonly values: number[];
  private length = 0;
  private rows = 0;

  /** `head` is the INSERT up to VALUES, `tail` anything after the value list (ON CONFLICT ...). */
  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly columns: number,
    private readonly tail = '',
  ) {
    this.values = new Array<number>(CHUNK_ROWS * columns).fill(0);
  }

  add(...row: number[]): void {
    for (const value of row) this.values[this.length++] = value;
    this.rows += 1;
    if (this.rows === CHUNK_ROWS) this.flush();
  }

  /** Write what is buffered; returns the rows the statement changed (inserted, for OR IGNORE). */
  flush(): number {
    if (this.rows === 0) return 0;
    const values = this.rows === CHUNK_ROWS ? this.values : this.values.slice(0, this.length);
    const changes = this.statement(this.rows).run(...values).changes;
    this.length = 0;
    this.rows = 0;
    return changes;
  }

  /** Forget buffered rows (their transaction failed). */
  discard(): void {
    this.length = 0;
    this.rows = 0;
  }

  private statement(rows: number): Database.Statement<number[]> {
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      const row = `(${Array.from({ length: this.columns }, () => '?').join(', ')})`;
      statement = this.db.prepare<number[]>(
        `${this.head} VALUES ${Array(rows).fill(row).join(', ')} ${this.tail}`,
      );
      this.statements.set(rows, statement);
    }
    return statement;
  }
}
