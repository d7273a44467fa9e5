/**
 * The store buffer's queue of events, encoded (event-codec.ts) into pages of bytes off the JavaScript
 * heap. The bound is in bytes as well as in events: every page counts from the moment it is allocated
 * until it is released — while it fills, while it waits, while the writer has it and while it waits
 * as a spare for reuse — so the queue never holds more memory than `maxBytes`, whatever the size of
 * the lines. A page closes when it holds `eventsPerPage` events or has no room for the next one.
 */
import type { SecurityEvent } from '../../domain';
import { encodeValues, exactEncodedBytes, maxEncodedBytes } from './event-codec';
import { eventValues } from './rows';

export interface EventPagesOptions {
  /** Bytes of one page; an event larger than a page gets a page of its own size. */
  pageBytes: number;
  /** All pages together, queued, being written and spare. */
  maxBytes: number;
  /** Events queued (not counting those being written). */
  maxEvents: number;
  /** A page closes at this many events: a batch is whole pages, so this is at most the batch size. */
  eventsPerPage: number;
}

interface Page {
  bytes: Buffer;
  used: number;
  events: number;
}

/** Pages taken from the queue for one write: each view holds whole events, back to back. */
export interface TakenPages {
  readonly pages: readonly Page[];
  readonly views: readonly Uint8Array[];
  readonly events: number;
}

/** Pages kept for reuse once written (each still counts towards the bound). */
const SPARE_PAGES = 2;

export class EventPages {
  private readonly queued: Page[] = [];
  /** The page being filled: the last queued one, or none. */
  private open: Page | null = null;
  private readonly spare: Buffer[] = [];
  private allocated = 0;
  private queuedEventCount = 0;

  constructor(private readonly options: EventPagesOptions) {
    if (options.pageBytes <= 0 || options.maxBytes < options.pageBytes)
      throw new Error(
        `log store buffer: maxBufferedBytes (${options.maxBytes}) must be at least one page (${options.pageBytes} bytes)`,
      );
  }

  /** Queues the event; false when a bound refuses it (nothing was queued). */
  push(event: SecurityEvent): boolean {
    if (this.queuedEventCount >= this.options.maxEvents) return false;
    const values = eventValues(event);
    let need = maxEncodedBytes(values);
    if (need > this.options.pageBytes) need = exactEncodedBytes(values);
    const page = this.pageWithRoom(need);
    if (page === null) return false;
    page.used = encodeValues(values, page.bytes, page.used);
    page.events += 1;
    this.queuedEventCount += 1;
    if (page.events >= this.options.eventsPerPage) this.open = null;
    return true;
  }

  /** The oldest pages, up to `maxEvents` events (at least one page); null when nothing is queued. */
  take(maxEvents: number): TakenPages | null {
    const pages: Page[] = [];
    let events = 0;
    while (this.queued.length > 0) {
      const next = this.queued[0] as Page;
      if (pages.length > 0 && events + next.events > maxEvents) break;
      this.queued.shift();
      if (next === this.open) this.open = null;
      pages.push(next);
      events += next.events;
    }
    if (pages.length === 0) return null;
    this.queuedEventCount -= events;
    return { pages, views: pages.map((page) => page.bytes.subarray(0, page.used)), events };
  }

  /** Taken pages that were not written go back to the front of the queue, in their order. */
  putBack(taken: TakenPages): void {
    this.queued.unshift(...taken.pages);
    this.queuedEventCount += taken.events;
  }

  /**
   * Events taken and not written (an outage while refusals were set apart) go back to the front,
   * in a page of their own: they were admitted once, so no bound refuses them now.
   */
  putBackEvents(events: readonly SecurityEvent[]): void {
    const bytes = encodeEvents(events);
    this.queued.unshift({ bytes, used: bytes.length, events: events.length });
    this.allocated += bytes.length;
    this.queuedEventCount += events.length;
  }

  /** Taken pages that are done with: kept as spares (up to SPARE_PAGES) or freed. */
  release(taken: TakenPages): void {
    for (const page of taken.pages) {
      if (page.bytes.length === this.options.pageBytes && this.spare.length < SPARE_PAGES)
        this.spare.push(page.bytes);
      else this.allocated -= page.bytes.length;
    }
  }

  /** Events waiting (not those being written). */
  queuedEvents(): number {
    return this.queuedEventCount;
  }

  /** Bytes held: pages queued, being written and spare. */
  heldBytes(): number {
    return this.allocated;
  }

  private pageWithRoom(need: number): Page | null {
    const open = this.open;
    if (open !== null && open.bytes.length - open.used >= need) return open;
    const bytes = this.allocate(need);
    if (bytes === null) return null;
    const page: Page = { bytes, used: 0, events: 0 };
    this.queued.push(page);
    this.open = page;
    return page;
  }

  private allocate(need: number): Buffer | null {
    const size = Math.max(this.options.pageBytes, need);
    if (size === this.options.pageBytes && this.spare.length > 0) return this.spare.pop() as Buffer;
    // A spare that is not reused here is given up first, to make room for a larger page.
    while (this.allocated + size > this.options.maxBytes && this.spare.length > 0)
      this.allocated -= (this.spare.pop() as Buffer).length;
    if (this.allocated + size > this.options.maxBytes) return null;
    this.allocated += size;
    return Buffer.allocUnsafeSlow(size);
  }
}

/** Events encoded back to back in one buffer of their own (a batch the writer gets outside the queue). */
export function encodeEvents(events: readonly SecurityEvent[]): Buffer {
  const rows = events.map(eventValues);
  const bytes = Buffer.allocUnsafeSlow(rows.reduce((sum, row) => sum + maxEncodedBytes(row), 0));
  let used = 0;
  for (const row of rows) used = encodeValues(row, bytes, used);
  return bytes.subarray(0, used);
}
