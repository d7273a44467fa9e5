import type { JetStreamClient } from 'nats';

interface Pending {
  subject: string;
  data: Uint8Array;
  id: string;
}

export interface OutboxStats {
  /** Waiting for the server's acknowledgement, or for the server to come back. */
  pending: number;
  published: number;
  /** Recognised by the server as already stored (a retry whose first attempt did arrive). */
  duplicates: number;
  /** Dropped because the outbox was full during an outage (oldest first). */
  dropped: number;
}

const RETRY_AFTER_MS = 1000;

/**
 * Publishes into JetStream until the server acknowledges each event, retrying with the same event
 * id (Nats-Msg-Id) so a retry whose first attempt did arrive is stored once. Bounded: during a
 * long outage the oldest events are dropped and counted rather than growing without limit.
 */
export class JetStreamOutbox {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly waiters: Array<() => void> = [];
  private readonly counts = { published: 0, duplicates: 0, dropped: 0 };

  constructor(
    private readonly js: JetStreamClient,
    private readonly maxPending = 100_000,
    private readonly concurrency = 256,
  ) {}

  enqueue(subject: string, data: Uint8Array, id: string): void {
    if (this.stopped) {
      this.counts.dropped++;
      return;
    }
    this.queue.push({ subject, data, id });
    while (this.queue.length + this.inFlight > this.maxPending && this.queue.length > 0) {
      this.queue.shift();
      this.counts.dropped++;
    }
    this.pump();
  }

  stats(): OutboxStats {
    return { pending: this.queue.length + this.inFlight, ...this.counts };
  }

  /** Resolves when every event enqueued so far is acknowledged (or dropped). */
  settled(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Stop: wait up to `graceMs` for the server to acknowledge what is pending, then drop the rest
   * (counted) so a shutdown during an outage ends. Returns how many were dropped.
   */
  async stop(graceMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.settled(), gaveUp]);
    clearTimeout(timer);
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const dropped = this.queue.length;
    this.counts.dropped += dropped;
    this.queue.length = 0;
    this.waiters.splice(0).forEach((wake) => wake());
    return dropped;
  }

  private pump(): void {
    while (
      !this.stopped &&
      this.retryTimer === null &&
      this.inFlight < this.concurrency &&
      this.queue.length > 0
    ) {
      const next = this.queue.shift();
      if (next) this.send(next);
    }
    if (this.queue.length === 0 && this.inFlight === 0) this.waiters.splice(0).forEach((wake) => wake());
  }

  private send(item: Pending): void {
    this.inFlight++;
    this.js
      .publish(item.subject, item.data, { msgID: item.id })
      .then(
        (ack) => {
          this.counts.published++;
          if (ack.duplicate) this.counts.duplicates++;
        },
        () => {
          if (this.stopped) {
            this.counts.dropped++;
            return;
          }
          // Server gone or slow: put it back at the front and pause; the id makes the retry safe.
          this.queue.unshift(item);
          this.retryTimer ??= setTimeout(() => {
            this.retryTimer = null;
            this.pump();
          }, RETRY_AFTER_MS);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
