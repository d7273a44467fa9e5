/**
 * The InfluxDB store's write path in memory: points are cut into batches of `batchSize`, sent with up
 * to `maxInFlight` in flight, at most `maxQueuedBatches` waiting (the rest overflow to the spool).
 * While the server is down, batches wait in `held` until every in-flight write has settled, then go
 * to the spool sorted by the order they were cut: the spool keeps the order points were written in.
 */
import type { MetricPoint } from '../../domain';
import { errorText, rejectedPoints } from './client';

interface Batch {
  seq: number;
  points: MetricPoint[];
}

export interface WriteQueueLimits {
  batchSize: number;
  maxInFlight: number;
  maxQueuedBatches: number;
}

export interface WriteQueueHooks {
  writeBatch(points: MetricPoint[]): Promise<void>;
  isUp(): boolean;
  /** A batch reached the server. */
  written(): void;
  /** A batch failed for an outage (it is held, then spooled). */
  outage(error: unknown): void;
  dropped(points: number, reason: string): void;
  spool(batches: MetricPoint[][]): void;
}

export class WriteQueue {
  private buffer: MetricPoint[] = [];
  private ready: Batch[] = [];
  /** Batches that failed or were cut while the server was down, waiting for in-flight writes to settle. */
  private held: Batch[] = [];
  private inFlight = 0;
  private inFlightPoints = 0;
  private nextSeq = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly limits: WriteQueueLimits,
    private readonly hooks: WriteQueueHooks,
  ) {}

  /** Buffer points; every full batch is sent (or held) at once. */
  add(points: MetricPoint[]): void {
    for (const point of points) this.buffer.push(point);
    while (this.buffer.length >= this.limits.batchSize) {
      this.enqueue(this.buffer.splice(0, this.limits.batchSize));
    }
  }

  /** Send what is buffered, a partial batch included. */
  cut(): void {
    while (this.buffer.length > 0) this.enqueue(this.buffer.splice(0, this.limits.batchSize));
  }

  /** Start waiting batches while the server is up and a slot is free. */
  pump(): void {
    while (this.hooks.isUp() && this.inFlight < this.limits.maxInFlight) {
      const batch = this.ready.shift();
      if (batch === undefined) break;
      this.send(batch);
    }
    this.notifyIfIdle();
  }

  /** Points buffered, queued, held or in flight. */
  get pointsInMemory(): number {
    return (
      this.buffer.length +
      this.ready.reduce((n, b) => n + b.points.length, 0) +
      this.held.reduce((n, b) => n + b.points.length, 0) +
      this.inFlightPoints
    );
  }

  /** Nothing in flight, queued or held. */
  get drained(): boolean {
    return this.inFlight === 0 && this.ready.length === 0 && this.held.length === 0;
  }

  /** Resolves once nothing is in flight or held, and nothing is queued unless the server is down. */
  waitIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && (this.ready.length === 0 || !this.hooks.isUp()) && this.held.length === 0;
  }

  private enqueue(points: MetricPoint[]): void {
    const batch: Batch = { seq: this.nextSeq++, points };
    if (!this.hooks.isUp()) {
      this.held.push(batch);
      this.releaseHeld();
      return;
    }
    this.ready.push(batch);
    while (this.ready.length > this.limits.maxQueuedBatches) {
      const overflow = this.ready.shift();
      if (overflow !== undefined) this.hooks.spool([overflow.points]);
    }
    this.pump();
  }

  private send(batch: Batch): void {
    this.inFlight += 1;
    this.inFlightPoints += batch.points.length;
    this.hooks.writeBatch(batch.points).then(
      () => {
        this.hooks.written();
        this.settle(batch);
        this.pump();
      },
      (error: unknown) => {
        const rejected = rejectedPoints(error, batch.points.length);
        if (rejected !== null) {
          this.hooks.dropped(rejected, `influx refused the batch: ${errorText(error)}`);
          this.settle(batch);
          this.pump();
          return;
        }
        // Held before settling, so it is spooled in order with the batches cut meanwhile.
        this.held.push(batch);
        this.hooks.outage(error);
        this.settle(batch);
      },
    );
  }

  private settle(batch: Batch): void {
    this.inFlight -= 1;
    this.inFlightPoints -= batch.points.length;
    this.releaseHeld();
  }

  private releaseHeld(): void {
    if (this.inFlight > 0 || this.held.length === 0) return;
    const up = this.hooks.isUp();
    const batches = up ? this.held : [...this.held, ...this.ready];
    this.held = [];
    if (!up) this.ready = [];
    this.hooks.spool(batches.sort((a, b) => a.seq - b.seq).map((batch) => batch.points));
  }
}
