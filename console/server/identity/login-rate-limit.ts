/**
 * Login attempts per username+address in a sliding window (in memory: a restart forgives, the
 * per-name lockout in login-failures.ts does not). An attempt counts when it starts, so parallel
 * guesses are limited as strictly as sequential ones; a successful login gives its attempt back.
 */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, number[]>();
  constructor(
    private readonly maxAttempts = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const now = this.now();
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length > 0) this.attempts.set(key, recent);
    else this.attempts.delete(key);
    return recent;
  }

  /**
   * Seconds to wait before this username may try again from this address; 0 = go ahead, and the
   * attempt is counted now.
   */
  startAttempt(username: string, ip: string): number {
    const key = `${username}\u0000${ip}`;
    const recent = this.recent(key);
    if (recent.length >= this.maxAttempts)
      return Math.max(1, Math.ceil(((recent[0] ?? this.now()) + this.windowMs - this.now()) / 1000));
    this.attempts.set(key, [...recent, this.now()]);
    if (this.attempts.size > 10_000) for (const other of [...this.attempts.keys()]) this.recent(other);
    return 0;
  }

  /** The attempt succeeded: it does not count against the limit. */
  succeeded(username: string, ip: string): void {
    const key = `${username}\u0000${ip}`;
    const recent = this.recent(key);
    recent.pop();
    if (recent.length === 0) this.attempts.delete(key);
  }
}
