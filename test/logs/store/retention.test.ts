import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../../common';
import {
  checkLogRetention,
  startRetentionSchedule,
  type LogStore,
  type RetentionResult,
} from '../../../logs/store';

describe('log retention settings', () => {
  it('defaults to 180 days and accepts longer', () => {
    const logger = memoryLogger();
    expect(checkLogRetention({}, logger)).toBe(180);
    expect(checkLogRetention({ retentionDays: 400 }, logger)).toBe(400);
    expect(logger.lines).toEqual([]);
  });

  it.each([179, 90, 1])('refuses %i days without the override, naming the law', (days) => {
    expect(() => checkLogRetention({ retentionDays: days }, memoryLogger())).toThrow(
      /under the legal minimum of 180 days \(网络安全法 §21/,
    );
  });

  it('accepts a shorter retention only by explicit override, and warns', () => {
    const logger = memoryLogger();
    expect(checkLogRetention({ retentionDays: 7, allowBelowLegalMinimum: true }, logger)).toBe(7);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('legal minimum') as string }),
    ]);
  });

  it.each([0, -5, 180.5, Number.NaN])('refuses %s days as not a number of days', (days) => {
    expect(() =>
      checkLogRetention({ retentionDays: days, allowBelowLegalMinimum: true }, memoryLogger()),
    ).toThrow(/whole number of days/);
  });
});

describe('the retention schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('applies the retention at once and every interval, and logs a failure without stopping', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    let fail = false;
    const store = {
      applyRetention: (nowMs: number): Promise<RetentionResult> => {
        calls.push(nowMs);
        if (fail) return Promise.reject(new Error('disk I/O error'));
        return Promise.resolve({ cutoffMs: nowMs, deletedEvents: 1, droppedPartitions: [] });
      },
    } as unknown as LogStore;
    const logger = memoryLogger();
    let clock = 1_000;
    const stop = startRetentionSchedule(store, { logger, intervalMs: 60_000, now: () => clock });
    expect(calls).toEqual([1_000]);
    fail = true;
    clock = 61_000;
    await vi.advanceTimersByTimeAsync(60_000);
    fail = false;
    clock = 121_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([1_000, 61_000, 121_000]);
    expect(logger.lines.map((line) => line.msg)).toEqual([
      'log retention applied',
      'log retention failed; retried at the next interval',
      'log retention applied',
    ]);
    stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(3);
  });
});
