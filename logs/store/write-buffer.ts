/**
 * The bounded buffer between the receiver and a backend: events wait here until a batch is written,
 * encoded in pages off the JavaScript heap (event-pages.ts), bounded in bytes and in events.
 * A full buffer refuses new events and counts them; a failed batch goes back to the front and is
 * retried on the next flush, so an outage costs memory up to the bound and never an exception.
 * A batch the backend refuses for its content (it is up, but will not take some event) is halved
 * until the refused events stand alone; those go to the dead letter and the rest are written.
 */
import type { Logger } from '../../common';
import type { SecurityEvent } from '../../domain';
import { MIN_BUFFERED_BYTES } from './buffer-bounds';
import type { DeadLetter } from './dead-letter';
import { decodePages } from './event-codec';
import { EventPages, type TakenPages } from './event-pages';
import { eventFromValues } from './rows';
import type { LogStoreHealth } from './types';

export { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_BUFFERED_EVENTS, MIN_BUFFERED_BYTES } from './buffer-bounds';

/** Bytes of one page of the buffer (a batch of the mix's events is a few pages), at most a sixteenth of the bound. */
export const BUFFER_PAGE_BYTES = 1024 * 1024;
const PAGES_IN_BOUND = 16;

export interface WriteBufferOptions {
  /** Writes one batch; rejects on a backend failure (the batch is kept). */
  writeBatch(events: SecurityEvent[]): Promise<void>;
  /** Writes one batch as the buffer holds it (event-codec.ts), when the backend reads that; else writeBatch. */
  writeEncoded?(pages: readonly Uint8Array[]): Promise<void>;
  /** Turns a backend error into a message safe to show and log (no credentials). */
  describeError(error: unknown): string;
  /** True when the backend is up but refuses the data (a constraint, a value it cannot hold). */
  isRefusal(error: unknown): boolean;
  deadLetter: DeadLetter;
  logger: Logger;
  maxBufferedEvents: number;
  /** Memory for events waiting and being written (the pages they are encoded in). */
  maxBufferedBytes: number;
  batchSize: number;
  flushIntervalMs: number;
}

export class WriteBuffer {
  private readonly pending: EventPages;
  private dropped = 0;
  private written = 0;
  private backendUp = true;
  private lastError: string | null = null;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: WriteBufferOptions) {
    if (!Number.isInteger(options.maxBufferedEvents) || options.maxBufferedEvents < 1)
      throw new Error(
        `log store maxBufferedEvents must be a whole number of events, at least 1 (got ${options.maxBufferedEvents})`,
      );
    if (!Number.isInteger(options.maxBufferedBytes) || options.maxBufferedBytes < MIN_BUFFERED_BYTES)
      throw new Error(
        `log store maxBufferedBytes must be a whole number of bytes, at least ${MIN_BUFFERED_BYTES} (got ${options.maxBufferedBytes})`,
      );
    this.pending = new EventPages({
      pageBytes: Math.min(BUFFER_PAGE_BYTES, Math.floor(options.maxBufferedBytes / PAGES_IN_BOUND)),
      maxBytes: options.maxBufferedBytes,
      maxEvents: options.maxBufferedEvents,
      eventsPerPage: options.batchSize,
    });
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  add(events: readonly SecurityEvent[]): void {
    let refused = 0;
    for (const event of events) if (!this.pending.push(event)) refused += 1;
    if (refused > 0) this.countDropped(refused);
    if (this.pending.queuedEvents() >= this.options.batchSize) void this.flush();
  }

  private countDropped(refused: number): void {
    if (this.dropped === 0) {
      this.options.logger.warn(
        {
          refused,
          maxBufferedEvents: this.options.maxBufferedEvents,
          maxBufferedBytes: this.options.maxBufferedBytes,
        },
        'log store buffer full: events dropped (counted in health().droppedEvents)',
      );
    }
    this.dropped += refused;
  }

  /** Write everything pending (one flush at a time); resolves when done or the backend failed. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    for (let taken = this.pending.take(this.options.batchSize); taken !== null;) {
      if (!(await this.writeTaken(taken))) return;
      taken = this.pending.take(this.options.batchSize);
    }
  }

  /** Writes pages taken from the queue; false when an outage left some of them unwritten (queued again). */
  private async writeTaken(taken: TakenPages): Promise<boolean> {
    try {
      if (this.options.writeEncoded) await this.options.writeEncoded(taken.views);
      else await this.options.writeBatch(decodeEvents(taken.views));
      this.written += taken.events;
      this.markUp();
      this.pending.release(taken);
      return true;
    } catch (error) {
      if (!this.options.isRefusal(error)) {
        this.markDown(error);
        this.pending.putBack(taken);
        return false;
      }
      const events = decodeEvents(taken.views);
      this.pending.release(taken);
      const unwritten = await this.isolateRefusals(events, error);
      // Only an outage in the middle of isolating refusals leaves events here: at most this batch.
      if (unwritten.length > 0) this.pending.putBackEvents(unwritten);
      return unwritten.length === 0;
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
      return this.isolateRefusals(batch, error);
    }
  }

  /** The backend refused `batch` for its content: halves it until the refused events stand alone. */
  private async isolateRefusals(batch: SecurityEvent[], error: unknown): Promise<SecurityEvent[]> {
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

  private markUp(): void {
    if (!this.backendUp) this.options.logger.info({}, 'log store backend is writable again');
    this.backendUp = true;
    this.lastError = null;
  }

  private markDown(error: unknown): void {
    const message = this.options.describeError(error);
    if (this.backendUp || message !== this.lastError) {
      this.options.logger.warn(
        { error: message, pendingEvents: this.pending.queuedEvents() },
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
      pendingEvents: this.pending.queuedEvents(),
      bufferedBytes: this.pending.heldBytes(),
      droppedEvents: this.dropped,
      deadLetteredEvents: this.options.deadLetter.total(),
      writtenEvents: this.written,
      backendUp: this.backendUp,
      lastError: this.lastError,
      maxBufferedEvents: this.options.maxBufferedEvents,
      maxBufferedBytes: this.options.maxBufferedBytes,
    };
  }
}

function decodeEvents(pages: readonly Uint8Array[]): SecurityEvent[] {
  return decodePages(pages).map(eventFromValues);
}
