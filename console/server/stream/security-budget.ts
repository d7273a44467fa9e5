/**
 * How many security events one stream client gets per second. Device logs can arrive by the
 * thousand per second in an attack; a browser's live list cannot show that many, and the log store
 * keeps every one. The client is told how many it missed (`skipped`) with the next one it gets.
 */
export class SecurityBudget {
  private windowStartMs = Number.NEGATIVE_INFINITY;
  private sentInWindow = 0;
  /** Events the client would have seen but did not get, since the last one it got. */
  skipped = 0;

  constructor(private readonly perSecond: number) {}

  /** True when one more event may go out at nowMs (and counts it). */
  take(nowMs: number): boolean {
    if (nowMs - this.windowStartMs >= 1000) {
      this.windowStartMs = nowMs;
      this.sentInWindow = 0;
    }
    if (this.sentInWindow >= this.perSecond) return false;
    this.sentInWindow += 1;
    return true;
  }
}
