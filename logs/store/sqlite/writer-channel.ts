/**
 * The main thread's side of the embedded log store's writer: requests go out numbered, answers come
 * back as promises. `startWorkerWriter` runs the writer in a worker thread (a file: inserts and
 * full-text indexing never pause the event loop that reads the syslog sockets); `inlineWriter` runs it
 * on this thread (`memory`, which another thread cannot open).
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SqliteEventWriter } from './writer';
import type {
  LogWriterReply,
  LogWriterRequest,
  LogWriterStartup,
  LogWriterWorkerData,
} from './writer-protocol';

/** A request without its number: the channel numbers it. */
export type LogWriterAsk = LogWriterRequest extends infer R
  ? R extends LogWriterRequest
    ? Omit<R, 'seq'>
    : never
  : never;

export interface LogWriterChannel {
  /** Send a request; resolves with its answer, or rejects when the writer thread died. */
  ask(request: LogWriterAsk): Promise<LogWriterReply>;
  /** Close the writer's connection and end its thread. */
  close(): Promise<void>;
}

/** The writer thread's compiled entry (scripts/build.js: `logs-writer`). */
const WORKER_ENTRY = fileURLToPath(new URL('../../../dist/logs-writer.js', import.meta.url));

export function inlineWriter(db: Database.Database): LogWriterChannel {
  const writer = new SqliteEventWriter(db);
  let seq = 0;
  return {
    ask: (request) => Promise.resolve(writer.handle({ ...request, seq: ++seq })),
    close: () => Promise.resolve(),
  };
}

/** Start the writer thread on `path` and wait until its connection is open. */
export async function startWorkerWriter(
  path: string,
  onCrash: (error: Error) => void,
): Promise<LogWriterChannel> {
  if (!existsSync(WORKER_ENTRY))
    throw new Error(`log store: ${WORKER_ENTRY} is missing: run \`npm run build\` first`);
  const worker = new Worker(WORKER_ENTRY, { workerData: { path } satisfies LogWriterWorkerData });
  await waitUntilReady(worker, path);
  return new WorkerChannel(worker, onCrash);
}

function waitUntilReady(worker: Worker, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      void worker.terminate();
      reject(new Error(`log store: the writer thread for ${path} did not start: ${error.message}`));
    };
    worker.once('error', fail);
    worker.once('message', (startup: LogWriterStartup) => {
      worker.off('error', fail);
      if (startup.kind === 'ready') resolve();
      else fail(new Error(startup.message));
    });
  });
}

class WorkerChannel implements LogWriterChannel {
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (reply: LogWriterReply) => void; reject: (error: Error) => void }
  >();
  private dead: Error | null = null;

  constructor(
    private readonly worker: Worker,
    onCrash: (error: Error) => void,
  ) {
    // Idle, the thread does not keep the process alive; with a request out, it does (a flush at exit).
    worker.unref();
    worker.on('message', (reply: LogWriterReply) => this.settle(reply));
    worker.on('error', (error) => {
      this.failAll(error);
      onCrash(error);
    });
    worker.on('exit', (code) =>
      this.failAll(new Error(`log store: the writer thread exited (code ${code})`)),
    );
  }

  ask(request: LogWriterAsk): Promise<LogWriterReply> {
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

  private settle(reply: LogWriterReply): void {
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
