import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger, type MemoryLogger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { DeadLetter } from '../../../logs/store/dead-letter';
import { WriteBuffer } from '../../../logs/store/write-buffer';
import { makeEvent } from './contract';

/**
 * A backend that can be taken down and brought back, remembering what it stored; like a database
 * with a CHECK constraint, it refuses (SQLSTATE 23514) any batch holding an event whose text says "poison".
 */
function fakeBackend() {
  const stored: SecurityEvent[] = [];
  const backend = {
    up: true,
    stored,
    writes: 0,
    writeBatch: (events: SecurityEvent[]) => {
      backend.writes += 1;
      if (!backend.up) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      if (events.some((event) => event.text.includes('poison')))
        return Promise.reject(Object.assign(new Error('violates check constraint'), { code: '23514' }));
      stored.push(...events);
      return Promise.resolve();
    },
  };
  return backend;
}

function bufferOn(
  backend: ReturnType<typeof fakeBackend>,
  logger: MemoryLogger,
  max = 50,
  deadLetterPath: string | null = null,
) {
  return new WriteBuffer({
    writeBatch: backend.writeBatch,
    describeError: (error) => (error instanceof Error ? error.message : String(error)),
    isRefusal: (error) => (error as { code?: string }).code === '23514',
    deadLetter: new DeadLetter({ path: deadLetterPath, logger }),
    logger,
    maxBufferedEvents: max,
    maxBufferedBytes: 16 * 1024 * 1024,
    batchSize: 10,
    flushIntervalMs: 1_000,
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the log store write buffer', () => {
  it('keeps events through an outage, in order, and writes them when the backend is back', async () => {
    const backend = fakeBackend();
    const logger = memoryLogger();
    const buffer = bufferOn(backend, logger);
    backend.up = false;
    const events = Array.from({ length: 25 }, () => makeEvent());
    buffer.add(events);
    await buffer.flush();
    expect(buffer.health()).toMatchObject({
      pendingEvents: 25,
      backendUp: false,
      lastError: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
    await buffer.flush();
    expect(logger.lines.filter((line) => /write failed/.test(line.msg))).toHaveLength(1);
    backend.up = true;
    await buffer.flush();
    expect(backend.stored).toEqual(events);
    expect(buffer.health()).toEqual({
      pendingEvents: 0,
      // Two written pages are kept for reuse (1 MiB each: a sixteenth of the 16 MiB bound).
      bufferedBytes: 2 * 1024 * 1024,
      droppedEvents: 0,
      deadLetteredEvents: 0,
      writtenEvents: 25,
      backendUp: true,
      lastError: null,
      maxBufferedEvents: 50,
      maxBufferedBytes: 16 * 1024 * 1024,
    });
  });

  it('refuses what does not fit during a long outage and counts every refused event', async () => {
    const backend = fakeBackend();
    const buffer = bufferOn(backend, memoryLogger(), 50);
    backend.up = false;
    for (let round = 0; round < 20; round += 1) {
      buffer.add(Array.from({ length: 7 }, () => makeEvent()));
      await buffer.flush();
    }
    expect(buffer.health()).toMatchObject({ pendingEvents: 50, droppedEvents: 140 - 50 });
    backend.up = true;
    await buffer.flush();
    expect(backend.stored).toHaveLength(50);
    expect(buffer.health()).toMatchObject({ pendingEvents: 0, droppedEvents: 90, writtenEvents: 50 });
  });

  it('flushes on its interval once started, and stops flushing when stopped', async () => {
    vi.useFakeTimers();
    const backend = fakeBackend();
    const buffer = bufferOn(backend, memoryLogger());
    buffer.start();
    buffer.add([makeEvent(), makeEvent()]);
    expect(backend.stored).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backend.stored).toHaveLength(2);
    await buffer.stop();
    buffer.add([makeEvent()]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backend.stored).toHaveLength(2);
  });

  it('sets aside the events the backend refuses for their content, writes the rest in order, and moves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-dead-letter-'));
    try {
      const backend = fakeBackend();
      const logger = memoryLogger();
      const deadLetterPath = join(dir, 'logs.db.dead-letter.jsonl');
      const buffer = bufferOn(backend, logger, 100, deadLetterPath);
      const events = Array.from({ length: 40 }, (_, i) =>
        makeEvent(i === 3 || i === 27 ? { text: `poison ${i}` } : {}),
      );
      buffer.add(events);
      await buffer.flush();
      expect(backend.stored).toEqual(events.filter((_, i) => i !== 3 && i !== 27));
      expect(buffer.health()).toMatchObject({ pendingEvents: 0, deadLetteredEvents: 2, backendUp: true });
      const setAside = readFileSync(deadLetterPath, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { reason: string; event: SecurityEvent });
      expect(setAside.map((entry) => entry.event)).toEqual([events[3], events[27]]);
      expect(setAside[0]?.reason).toBe('violates check constraint');
      expect(statSync(deadLetterPath).mode & 0o777).toBe(0o600);
      expect(logger.lines.filter((line) => /dead-letter/.test(line.msg))).toHaveLength(1);
      // Later events are not held up behind the refused ones.
      const later = [makeEvent(), makeEvent()];
      buffer.add(later);
      await buffer.flush();
      expect(backend.stored.slice(-2)).toEqual(later);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a refused batch that meets an outage while being split, and finishes the split once back', async () => {
    const backend = fakeBackend();
    const write = backend.writeBatch;
    backend.writeBatch = (batch) => {
      const result = write(batch);
      if (backend.writes === 2) backend.up = false; // down after the first half landed
      return result;
    };
    const buffer = bufferOn(backend, memoryLogger());
    const events = Array.from({ length: 10 }, (_, i) => makeEvent(i === 8 ? { text: 'poison' } : {}));
    buffer.add(events);
    await buffer.flush();
    expect(buffer.health()).toMatchObject({ backendUp: false, deadLetteredEvents: 0 });
    backend.up = true;
    await buffer.flush();
    expect(backend.stored).toEqual(events.filter((_, i) => i !== 8));
    expect(buffer.health()).toMatchObject({ pendingEvents: 0, deadLetteredEvents: 1 });
  });

  it('refuses an event bound that holds no event, saying what it needs', () => {
    for (const max of [0, -1, 2.5, Number.NaN])
      expect(() => bufferOn(fakeBackend(), memoryLogger(), max)).toThrow(
        `log store maxBufferedEvents must be a whole number of events, at least 1 (got ${max})`,
      );
  });
});
