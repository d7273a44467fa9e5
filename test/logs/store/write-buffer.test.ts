import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger, type MemoryLogger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { WriteBuffer } from '../../../logs/store/write-buffer';
import { makeEvent } from './contract';

/** A backend that can be taken down and brought back, remembering what it stored. */
function fakeBackend() {
  const stored: SecurityEvent[] = [];
  const backend = {
    up: true,
    stored,
    writeBatch: (events: SecurityEvent[]) => {
      if (!backend.up) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      stored.push(...events);
      return Promise.resolve();
    },
  };
  return backend;
}

function bufferOn(backend: ReturnType<typeof fakeBackend>, logger: MemoryLogger, max = 50) {
  return new WriteBuffer({
    writeBatch: backend.writeBatch,
    describeError: (error) => (error instanceof Error ? error.message : String(error)),
    logger,
    maxBufferedEvents: max,
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
      droppedEvents: 0,
      writtenEvents: 25,
      backendUp: true,
      lastError: null,
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
});
