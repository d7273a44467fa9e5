/**
 * The main thread's side of the embedded store's writer (common/worker-channel): a worker thread for
 * a file-backed store (commits never pause the event loop), this thread for an in-memory database.
 */
import type Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { inlineChannel, startWorkerChannel, type RequestChannel, type Unnumbered } from '../../common';
import { EmbeddedWriter } from './writer';
import type { WriterReply, WriterRequest, WriterWorkerData } from './writer-protocol';

export type WriterAsk = Unnumbered<WriterRequest>;
export type WriterChannel = RequestChannel<WriterRequest, WriterReply>;

/** The writer thread's compiled entry (scripts/build.js: `metrics-writer`). */
const WORKER_ENTRY = fileURLToPath(new URL('../../dist/metrics-writer.js', import.meta.url));

export function startInlineWriter(db: Database.Database): WriterChannel {
  const writer = new EmbeddedWriter(db);
  return inlineChannel<WriterRequest, WriterReply>((request) => writer.handle(request));
}

/** Start the writer thread on `path` and wait until its connection is open. */
export function startWorkerWriter(path: string, onCrash: (error: Error) => void): Promise<WriterChannel> {
  return startWorkerChannel<WriterRequest, WriterReply>({
    entry: WORKER_ENTRY,
    workerData: { path } satisfies WriterWorkerData,
    label: `metrics (${path})`,
    closeRequest: { kind: 'close' },
    onCrash,
  });
}
