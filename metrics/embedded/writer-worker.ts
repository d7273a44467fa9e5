/**
 * Entry point of the embedded store's writer thread (compiled to dist/metrics-writer.js): opens its
 * own connection to the store's file and answers the main thread's requests (`writer.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runAsBackgroundThread } from '../../common';
import { openEmbeddedDatabase } from './schema';
import { EmbeddedWriter } from './writer';
import type { WriterRequest, WriterStartup, WriterWorkerData } from './writer-protocol';

function start(port: NonNullable<typeof parentPort>, { path }: WriterWorkerData): void {
  let writer: EmbeddedWriter;
  try {
    writer = new EmbeddedWriter(openEmbeddedDatabase(path));
  } catch (error) {
    const failed: WriterStartup = {
      kind: 'open-failed',
      message: error instanceof Error ? error.message : String(error),
    };
    port.postMessage(failed);
    port.close();
    return;
  }
  port.postMessage({ kind: 'ready' } satisfies WriterStartup);
  port.on('message', (request: WriterRequest) => {
    void writer.handle(request).then((reply) => {
      port.postMessage(reply);
      if (request.kind === 'close') port.close();
    });
  });
}

if (parentPort !== null) {
  runAsBackgroundThread();
  start(parentPort, workerData as WriterWorkerData);
}
