/**
 * The main thread's side of the embedded store's writer: requests go out numbered, replies come back
 * as promises. `startWorkerWriter` runs the writer in a worker thread (a file-backed store: commits
 * never pause the event loop); `startInlineWriter` runs it on this thread (an in-memory database,
 * which another thread cannot open).
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EmbeddedWriter } from './writer';
import type { WriterReply, WriterRequest, WriterStartup, WriterWorkerData } from './writer-protocol';

/** A request without its number: the channel numbers it. */
export type WriterAsk = WriterRequest extends infer R
  ? R extends WriterRequest
    ? Omit<R, 'seq'>
    : never
  : never;

export interface WriterChannel {
  /** Send a request; resolves with its reply, or rejects when the writer thread died. */
  ask(request: WriterAsk): Promise<WriterReply>;
  /** Close the writer's connection and end its thread. */
  close(): Promise<void>;
}

/** The writer thread's compiled entry (scripts/build.js: `metrics-writer`). */
const WORKER_ENTRY = fileURLToPath(new URL('../../dist/metrics-writer.js', import.meta.url));

export function startInlineWriter(db: Database.Database): WriterChannel {
  const writer = new EmbeddedWriter(db);
  let seq = 0;
  return {
    ask: (request) => writer.handle({ ...request, seq: ++seq }),
    close: () => Promise.resolve(),
  };
}

/** Start the writer thread on `path` and wait until its connection is open. */
export async function startWorkerWriter(
  path: string,
  onCrash: (error: Error) => void,
): Promise<WriterChannel> {
  if (!existsSync(WORKER_ENTRY))
    throw new Error(`metrics: ${WORKER_ENTRY} is missing: run \`npm run build\` first`);
  const worker = new Worker(WORKER_ENTRY, { workerData: { path } satisfies WriterWorkerData });
  await waitUntilReady(worker, path);
  return new WorkerChannel(worker, onCrash);
}

function waitUntilReady(worker: Worker, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      void worker.terminate();
      reject(new Error(`metrics: the writer thread for ${path} did not start: ${error.message}`));
    };
    worker.once('error', fail);
    worker.once('message', (startup: WriterStartup) => {
      worker.off('error', fail);
      if (startup.kind === 'ready') resolve();
      else fail(new Error(startup.message));
    });
  });
}

class WorkerChannel implements WriterChannel {
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: WriterReply) => void; reject: (e: Error) => void }
  >();
  private dead: Error | null = null;

  constructor(
    private readonly worker: Worker,
    onCrash: (error: Error) => void,
  ) {
    // Idle, the thread does not keep the process alive; with a request out, it does (a flush at exit).
    worker.unref();
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    worker.on('error', (error) => {
      this.failAll(error);
      onCrash(error);
    });
    worker.on('exit', (code) => this.failAll(new Error(`metrics: the writer thread exited (code ${code})`)));
  }

  ask(request: WriterAsk): Promise<WriterReply> {
    if (this.dead !== null) return Promise.reject(this.dead);
    const seq = ++this.seq;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ ...request, seq });
    });
  }

  async close(): Promise<void> {
    if (this.dead === null) await this.ask({ kind: 'close' });
    await this.worker.terminate();
  }

  private settle(reply: WriterReply): void {
    const waiter = this.waiting.get(reply.seq);
    this.waiting.delete(reply.seq);
    if (this.waiting.size === 0) this.worker.unref();
    waiter?.resolve(reply);
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
