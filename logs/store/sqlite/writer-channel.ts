/**
 * The main thread's side of the embedded log store's writer (common/worker-channel): a worker thread
 * for a file (inserts and full-text indexing never pause the event loop that reads the syslog
 * sockets), this thread for `memory`, which another thread cannot open.
 */
import type Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { inlineChannel, startWorkerChannel, type RequestChannel, type Unnumbered } from '../../../common';
import { SqliteEventWriter } from './writer';
import type { LogWriterReply, LogWriterRequest, LogWriterWorkerData } from './writer-protocol';

export type LogWriterAsk = Unnumbered<LogWriterRequest>;
export type LogWriterChannel = RequestChannel<LogWriterRequest, LogWriterReply>;

/** The writer thread's compiled entry (scripts/build.js: `logs-writer`). */
const WORKER_ENTRY = fileURLToPath(new URL('../../../dist/logs-writer.js', import.meta.url));

export function inlineWriter(db: Database.Database): LogWriterChannel {
  const writer = new SqliteEventWriter(db);
  return inlineChannel<LogWriterRequest, LogWriterReply>((request) => writer.handle(request));
}

/** Start the writer thread on `path` and wait until its connection is open. */
export function startWorkerWriter(path: string, onCrash: (error: Error) => void): Promise<LogWriterChannel> {
  return startWorkerChannel<LogWriterRequest, LogWriterReply>({
    entry: WORKER_ENTRY,
    workerData: { path } satisfies LogWriterWorkerData,
    label: `log store (${path})`,
    closeRequest: { kind: 'close' },
    onCrash,
  });
}
