/**
 * `COPY … FROM STDIN` through the `pg` client, without another package: a query object the client
 * runs in its turn (its "submittable" interface), which answers the server's CopyInResponse with the
 * rows as CopyData messages. Rows are written in COPY's text format, each value escaped, so nothing
 * in a log line can end a field or a row early.
 */
import type pg from 'pg';

/** The connection calls this object makes (pg's Connection; not in its type declarations). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** CopyData messages of at most this size. */
const CHUNK_BYTES = 1024 * 1024;

/** A value in COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  let escaped = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const escape = c === 0x5c ? '\\\\' : c === 0x09 ? '\\t' : c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : null;
    if (escape === null) continue;
    escaped += value.slice(from, i) + escape;
    from = i + 1;
  }
  return from === 0 ? value : escaped + value.slice(from);
}

/** Rows (value arrays in the COPY's column order) as COPY text. */
export function copyText(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): Buffer {
  let text = '';
  for (const row of rows) text += `${row.map(copyField).join('\t')}\n`;
  return Buffer.from(text, 'utf8');
}

class CopyIn {
  private settled = false;

  constructor(
    readonly text: string,
    private readonly data: Buffer,
    private readonly done: (error: Error | null) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let at = 0; at < this.data.length; at += CHUNK_BYTES)
      connection.sendCopyFromChunk(this.data.subarray(at, at + CHUNK_BYTES));
    connection.endCopyFrom();
  }

  // Settled at the first error: a lost connection sends no ReadyForQuery after it. The client
  // queues what the caller sends next (ROLLBACK) until the server is ready again.
  handleError(error: Error): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.done(error);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/** Runs `copySql` (a `COPY … FROM STDIN`) on the client with `data` as its input. */
export function copyIn(client: pg.PoolClient, copySql: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = new CopyIn(copySql, data, (error) => (error ? reject(error) : resolve()));
    // The client runs any object with a submit() as a query of its own (pg's "submittable").
    void client.query(query as unknown as pg.QueryConfig);
  });
}
