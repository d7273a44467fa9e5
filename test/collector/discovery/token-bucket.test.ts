import { describe, expect, it } from 'vitest';
import { TokenBucket, type BucketClock } from '../../../collector/discovery/token-bucket';

/** A fake clock: sleeping advances time, so the bucket's schedule is read exactly. */
function fakeClock(): BucketClock & { sentAt: number[] } {
  let nowMs = 0;
  return {
    sentAt: [],
    now: () => nowMs,
    sleep: (ms) => {
      nowMs += ms;
      return Promise.resolve();
    },
  };
}

describe('TokenBucket', () => {
  it('lets the burst go at once, then one token every 1/rate s: any second holds at most rate + burst', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(100, 5, clock);
    for (let i = 0; i < 1000; i++) {
      await bucket.take();
      clock.sentAt.push(clock.now());
    }
    expect(clock.sentAt.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    let busiest = 0;
    for (let i = 0, j = 0; i < clock.sentAt.length; i++) {
      while (j < clock.sentAt.length && (clock.sentAt[j] as number) < (clock.sentAt[i] as number) + 1000) j++;
      busiest = Math.max(busiest, j - i);
    }
    expect(busiest).toBeLessThanOrEqual(105);
    // 1,000 tokens at 100/s: the last goes after (1000 − 5) / 100 s
    expect(clock.sentAt.at(-1)).toBeCloseTo(9950, 6);
    expect(bucket.takenCount).toBe(1000);
  });

  it('a take larger than the burst goes into debt that the next takes wait off', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    await bucket.take(20);
    expect(clock.now()).toBe(0);
    await bucket.take();
    expect(clock.now()).toBeCloseTo(2000, 6);
  });

  it('refuses a rate that is not above zero', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(/rate must be above 0/);
  });
});
