/**
 * The rate bound of a discovery: every datagram it sends takes a token first. A token bucket in its
 * virtual-scheduling form (GCRA): `burst` tokens may go at once, then one every 1/rate s, so any
 * second holds at most rate + burst datagrams. The clock is passed in, so tests run it fake.
 */

export interface BucketClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: BucketClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export class TokenBucket {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** Theoretical arrival time of the next token (ms on the clock). */
  private tat = -Infinity;
  private taken = 0;

  constructor(
    readonly ratePerS: number,
    readonly burst: number,
    private readonly clock: BucketClock = realClock,
  ) {
    if (!(ratePerS > 0) || !Number.isFinite(ratePerS))
      throw new Error(`rate must be above 0/s, got ${ratePerS}`);
    this.intervalMs = 1000 / ratePerS;
    this.toleranceMs = Math.max(0, Math.floor(burst) - 1) * this.intervalMs;
  }

  /**
   * Wait until `n` tokens may go, then take them. Calls are served in order (the schedule is claimed
   * before waiting). A take larger than the burst goes into debt: later takes wait it off.
   */
  async take(n = 1, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const start = Math.max(this.tat, now);
    const sendAt = start - this.toleranceMs;
    this.tat = start + n * this.intervalMs;
    this.taken += n;
    if (sendAt > now) await this.clock.sleep(sendAt - now, signal);
  }

  /** Tokens taken so far (datagrams sent or about to be). */
  get takenCount(): number {
    return this.taken;
  }
}
