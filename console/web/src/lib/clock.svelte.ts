/** One shared ticking clock so every "3 分钟前" on screen updates together, once a second. */
class Clock {
  nowMs = $state(Date.now());
  /** Server time minus browser time, learned from the stream, so ages are not skewed by a wrong PC clock. */
  skewMs = 0;

  constructor() {
    setInterval(() => {
      this.nowMs = Date.now() + this.skewMs;
    }, 1000);
  }

  learnServerTime(serverTimeMs: number): void {
    this.skewMs = serverTimeMs - Date.now();
    this.nowMs = serverTimeMs;
  }
}

export const clock = new Clock();
