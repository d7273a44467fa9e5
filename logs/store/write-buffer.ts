/**
 * The bounded buffer between the receiver and a backend: events wait here until a batch is written.
 * A full buffer refuses new events and counts them; a failed batch goes back to the front and is
 * retried on the next flush, so an outage costs memory up to the bound and never an exception.
 * A batch the backend refuses for its content (it is up, but will not take some event) is halved
 * until the refused events stand alone; those go to the dead letter and the rest are written.
 */
import type { Logger } from '../../common';
import type { SecurityEvent } from '../../domain';
import type { DeadLetter } from './dead-letter';
import type { LogStoreHealth } from './types';

export interface WriteBufferOptions {
  /** Writes one batch; rejects on a backend failure (the batch is kept). */
  writeBatch(events: SecurityEvent[]): Promise<void>;
  /** Turns a backend error into a message safe to show and log (no credentials). */
  describeError(error: unknown): string;
  /** True when the backend is up but refuses the data (a constraint, a value it cannot hold). */
  isRefusal(error: unknown): boolean;
  deadLetter: DeadLetter;
  logger: Logger;
  maxBufferedEvents: number;
  batchSize: number;
  flushIntervalMs: number;
}

export class WriteBuffer {
  private pending: SecurityEvent[] = [];
  private dropped = 0;
  private written = 0;
  private backendUp = true;
  private lastError: string | null = null;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: WriteBufferOptions) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  add(events: readonly SecurityEvent[]): void {
    const room = Math.max(0, this.options.maxBufferedEvents - this.pending.length);
    if (events.length > room) {
      const refused = events.length - room;
      if (this.dropped === 0) {
        this.options.logger.warn(
          { refused, maxBufferedEvents: this.options.maxBufferedEvents },
          'log store buffer full: events dropped (counted in health().droppedEvents)',
        );
      }
      this.dropped += refused;
    }
    for (let i = 0; i < Math.min(room, events.length); i += 1) this.pending.push(events[i] as SecurityEvent);
    if (this.pending.length >= this.options.batchSize) void this.flush();
  }

  /** Write everything pending (one flush at a time); resolves when done or the backend failed. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      const unwritten = await this.writeIsolatingRefusals(batch);
      if (unwritten.length > 0) {
        this.pending.unshift(...unwritten);
        return;
      }
    }
  }

  /** Writes the batch, setting refused events aside; returns what a backend outage left unwritten. */
  private async writeIsolatingRefusals(batch: SecurityEvent[]): Promise<SecurityEvent[]> {
    try {
      await this.options.writeBatch(batch);
      this.written += batch.length;
      this.markUp();
      return [];
    } catch (error) {
      if (!this.options.isRefusal(error)) {
        this.markDown(error);
        return batch;
      }
      if (batch.length === 1) {
        this.options.deadLetter.add(batch[0] as SecurityEvent, this.options.describeError(error));
        return [];
      }
      const half = Math.ceil(batch.length / 2);
      const second = batch.slice(half);
      const unwritten = await this.writeIsolatingRefusals(batch.slice(0, half));
      if (unwritten.length > 0) return [...unwritten, ...second];
      return this.writeIsolatingRefusals(second);
    }
  }

  private markUp(): void {
    if (!this.backendUp) this.options.logger.info({}, 'log store backend is writable again');
    this.backendUp = true;
    this.lastError = null;
  }

  private markDown(error: unknown): void {
    const message = this.options.describeError(error);
    if (this.backendUp || message !== this.lastError) {
      this.options.logger.warn(
        { error: message, pendingEvents: this.pending.length },
        'log store write failed; events stay buffered and are retried',
      );
    }
    this.backendUp = false;
    this.lastError = message;
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  health(): LogStoreHealth {
    return {
      pendingEvents: this.pending.length,
      droppedEvents: this.dropped,
      deadLetteredEvents: this.options.deadLetter.total(),
      writtenEvents: this.written,
      backendUp: this.backendUp,
      lastError: this.lastError,
    };
  }
}
