/**
 * A request/reply channel to a worker thread: requests go out numbered, replies come back as
 * promises, and a thread that dies rejects everything waiting and everything after. The embedded
 * stores (metrics, device logs) run their SQLite writers behind one, so commits never pause the
 * event loop; `inlineChannel` runs the same handler on this thread (an in-memory database, which
 * another thread cannot open).
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface Numbered {
  seq: number;
}

/** A request without its number: the channel numbers it. */
export type Unnumbered<R> = R extends unknown ? Omit<R, 'seq'> : never;

/** The first message a worker sends: its connection is open, or why not. */
export type WorkerStartup = { kind: 'ready' } | { kind: 'open-failed'; message: string };

export interface RequestChannel<Req extends Numbered, Rep extends Numbered> {
  /** Send a request; resolves with its reply, or rejects when the worker thread died. */
  ask(request: Unnumbered<Req>): Promise<Rep>;
  /** Ask the worker to close (its `close` request), then end its thread. */
  close(): Promise<void>;
}

export function inlineChannel<Req extends Numbered, Rep extends Numbered>(
  handle: (request: Req) => Rep | Promise<Rep>,
): RequestChannel<Req, Rep> {
  let seq = 0;
  return {
    ask: (request) => Promise.resolve(handle({ ...request, seq: ++seq } as unknown as Req)),
    close: () => Promise.resolve(),
  };
}

export interface WorkerChannelOptions<Req extends Numbered> {
  /** The compiled worker script (dist/…): refused with a clear message when it was not built. */
  entry: string;
  workerData: unknown;
  /** Names the owner in errors ("metrics", "log store"). */
  label: string;
  /** The request that makes the worker close its connection before the thread ends. */
  closeRequest: Unnumbered<Req>;
  onCrash: (error: Error) => void;
}

/** Start the worker thread and wait until it says its connection is open. */
export async function startWorkerChannel<Req extends Numbered, Rep extends Numbered>(
  options: WorkerChannelOptions<Req>,
): Promise<RequestChannel<Req, Rep>> {
  const { entry, label } = options;
  if (!existsSync(entry)) throw new Error(`${label}: ${entry} is missing: run \`npm run build\` first`);
  const worker = new Worker(entry, { workerData: options.workerData });
  await waitUntilReady(worker, label);
  return new WorkerChannel<Req, Rep>(worker, options);
}

function waitUntilReady(worker: Worker, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      void worker.terminate();
      reject(new Error(`${label}: the writer thread did not start: ${error.message}`));
    };
    worker.once('error', fail);
    worker.once('message', (startup: WorkerStartup) => {
      worker.off('error', fail);
      if (startup.kind === 'ready') resolve();
      else fail(new Error(startup.message));
    });
  });
}

class WorkerChannel<Req extends Numbered, Rep extends Numbered> implements RequestChannel<Req, Rep> {
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (reply: Rep) => void; reject: (error: Error) => void }
  >();
  private dead: Error | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly options: WorkerChannelOptions<Req>,
  ) {
    // Idle, the thread does not keep the process alive; with a request out, it does (a flush at exit).
    worker.unref();
    worker.on('message', (reply: Rep) => this.settle(reply));
    worker.on('error', (error) => {
      this.failAll(error);
      options.onCrash(error);
    });
    worker.on('exit', (code) =>
      this.failAll(new Error(`${options.label}: the writer thread exited (code ${code})`)),
    );
  }

  ask(request: Unnumbered<Req>): Promise<Rep> {
    if (this.dead !== null) return Promise.reject(this.dead);
    const seq = ++this.seq;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ ...request, seq });
    });
  }

  async close(): Promise<void> {
    if (this.dead === null) await this.ask(this.options.closeRequest);
    await this.worker.terminate();
  }

  private settle(reply: Rep): void {
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
