/**
 * Entry point of the embedded log store's writer thread (compiled to dist/logs-writer.js): opens its
 * own connection to the store's file and answers the main thread's requests (writer.ts), so inserts
 * and full-text indexing never hold up the event loop that reads the syslog sockets.
 *
 * Unlike the metrics store's writer it keeps the default priority (common/background-thread.ts):
 * what it writes is what a flood leaves stored. Niced, it lost the CPU to the receiver, which then
 * parsed messages only for the store to refuse them: the bench's 10 s flood stored 120,541 events
 * instead of 308,988 (bench runs minutes apart, logs/README.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection, tuneWriterConnection } from './connection';
import { SqliteEventWriter } from './writer';
import type { LogWriterRequest, LogWriterStartup, LogWriterWorkerData } from './writer-protocol';

function start(port: NonNullable<typeof parentPort>, { path }: LogWriterWorkerData): void {
  let writer: SqliteEventWriter;
  try {
    writer = new SqliteEventWriter(tuneWriterConnection(openSqliteConnection(path)));
  } catch (error) {
    const failed: LogWriterStartup = {
      kind: 'open-failed',
      message: error instanceof Error ? error.message : String(error),
    };
    port.postMessage(failed);
    port.close();
    return;
  }
  port.postMessage({ kind: 'ready' } satisfies LogWriterStartup);
  port.on('message', (request: LogWriterRequest) => {
    port.postMessage(writer.handle(request));
    if (request.kind === 'close') port.close();
  });
}

if (parentPort !== null) start(parentPort, workerData as LogWriterWorkerData);
