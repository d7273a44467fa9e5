import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { DeadLetter } from '../../../logs/store/dead-letter';
import { decodePages } from '../../../logs/store/event-codec';
import { EventPages, encodeEvents } from '../../../logs/store/event-pages';
import { eventFromValues } from '../../../logs/store/rows';
import { MIN_BUFFERED_BYTES, WriteBuffer } from '../../../logs/store/write-buffer';
import { makeEvent } from './contract';

const KIB = 1024;
const decoded = (pages: readonly Uint8Array[]): SecurityEvent[] => decodePages(pages).map(eventFromValues);
/** An event whose text is `chars` long (ASCII): about that many bytes encoded. */
const eventOfText = (chars: number): SecurityEvent => makeEvent({ text: 'x'.repeat(chars) });

describe('log events encoded for the store buffer', () => {
  it('decode to the events they were, whatever their text and empty fields', () => {
    const events = [
      makeEvent(),
      makeEvent({ node: null, zone: null, hostname: null, messageId: null, user: 'admin' }),
      makeEvent({ text: '用户 admin 从 10.2.3.4 登录失败 😀', sourceAddress: '10.2.3.4' }),
      makeEvent({ text: '', rawBase64: Buffer.from([0xff, 0x00, 0x81]).toString('base64') }),
      makeEvent({ timeMs: 1.5, receivedAtMs: Number.MAX_SAFE_INTEGER, text: 'y'.repeat(70_000) }),
    ];
    expect(decoded([encodeEvents(events)])).toEqual(events);
  });

  it('are refused by a full queue by their bytes, not only their number, and every refusal is counted', () => {
    const pages = new EventPages({
      pageBytes: 4 * KIB,
      maxBytes: 64 * KIB,
      maxEvents: 1_000_000,
      eventsPerPage: 1_000,
    });
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      if (pages.push(eventOfText(1_000))) accepted++;
      else refused++;
      expect(pages.heldBytes()).toBeLessThanOrEqual(64 * KIB);
    }
    // Each event reserves up to 3 bytes a character: one 1,000-character event to a 4 KiB page.
    expect(accepted).toBe(16);
    expect(refused).toBe(200 - 16);
    expect(pages.queuedEvents()).toBe(16);
  });

  it('take room again once the pages taken for a write are released, and return to the front when not written', () => {
    const pages = new EventPages({
      pageBytes: 4 * KIB,
      maxBytes: 16 * KIB,
      maxEvents: 1_000,
      eventsPerPage: 2,
    });
    const events = Array.from({ length: 8 }, (_, i) => makeEvent({ text: `line ${i}` }));
    for (const event of events) expect(pages.push(event)).toBe(true);
    expect(pages.push(makeEvent())).toBe(false);
    const first = pages.take(4);
    expect(first?.events).toBe(4);
    expect(decoded(first?.views ?? [])).toEqual(events.slice(0, 4));
    pages.putBack(first as NonNullable<typeof first>);
    expect(pages.queuedEvents()).toBe(8);
    const again = pages.take(4) as NonNullable<typeof first>;
    expect(decoded(again.views)).toEqual(events.slice(0, 4));
    pages.release(again);
    expect(pages.push(makeEvent({ text: 'after the write' }))).toBe(true);
    expect(pages.heldBytes()).toBeLessThanOrEqual(16 * KIB);
  });

  it('give an event larger than a page a page of its own, and refuse one larger than the whole bound', () => {
    const pages = new EventPages({
      pageBytes: 4 * KIB,
      maxBytes: 64 * KIB,
      maxEvents: 1_000,
      eventsPerPage: 1_000,
    });
    expect(pages.push(eventOfText(30 * KIB))).toBe(true);
    expect(pages.push(eventOfText(70 * KIB))).toBe(false);
    expect(decoded(pages.take(1_000)?.views ?? [])[0]?.text).toHaveLength(30 * KIB);
  });
});

describe('the log store write buffer bounded in bytes', () => {
  it('drops and counts what does not fit in its bytes during an outage, and writes what it kept, in order', async () => {
    const stored: SecurityEvent[] = [];
    let up = false;
    const logger = memoryLogger();
    const buffer = new WriteBuffer({
      writeBatch: (events) => {
        if (!up) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
        stored.push(...events);
        return Promise.resolve();
      },
      describeError: (error) => (error instanceof Error ? error.message : String(error)),
      isRefusal: () => false,
      deadLetter: new DeadLetter({ path: null, logger }),
      logger,
      maxBufferedEvents: 100_000,
      maxBufferedBytes: MIN_BUFFERED_BYTES,
      batchSize: 10,
      flushIntervalMs: 60_000,
    });
    const events = Array.from({ length: 500 }, (_, i) => makeEvent({ text: `${i} ${'z'.repeat(4_000)}` }));
    for (let i = 0; i < events.length; i += 50) {
      buffer.add(events.slice(i, i + 50));
      await buffer.flush();
      expect(buffer.health().bufferedBytes).toBeLessThanOrEqual(MIN_BUFFERED_BYTES);
    }
    const { pendingEvents, droppedEvents } = buffer.health();
    expect(pendingEvents).toBeGreaterThan(0);
    expect(pendingEvents + droppedEvents).toBe(500);
    expect(logger.lines.filter((line) => /buffer full/.test(line.msg))).toHaveLength(1);
    up = true;
    await buffer.flush();
    expect(stored).toEqual(events.slice(0, pendingEvents));
    expect(buffer.health()).toMatchObject({ pendingEvents: 0, droppedEvents, writtenEvents: pendingEvents });
  });

  it('refuses a byte bound too small to hold a page of long lines, saying what it needs', () => {
    const logger = memoryLogger();
    const open = (maxBufferedBytes: number) =>
      new WriteBuffer({
        writeBatch: () => Promise.resolve(),
        describeError: String,
        isRefusal: () => false,
        deadLetter: new DeadLetter({ path: null, logger }),
        logger,
        maxBufferedEvents: 10,
        maxBufferedBytes,
        batchSize: 10,
        flushIntervalMs: 60_000,
      });
    expect(() => open(1_000)).toThrow(
      /maxBufferedBytes must be a whole number of bytes, at least 262144 \(got 1000\)/,
    );
    expect(() => open(Number.NaN)).toThrow(/maxBufferedBytes/);
  });
});
