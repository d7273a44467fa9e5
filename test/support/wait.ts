/**
 * The one way tests wait: for a condition, never for a stretch of time. `waitUntil` polls a probe
 * until it holds and returns what it found; its timeout is a deadline for the condition (generous, so
 * a busy machine only makes the test slower), never a pause that stands in for it. Built on
 * `vi.waitFor`, which works in hooks too (`expect.poll` only inside a test).
 *
 * To prove that something did NOT happen, wait for a later thing that must come after it (a witness:
 * a second subscriber's event, a reply to a ping sent after, the next poll round) and then look.
 * test/architecture/no-fixed-sleeps.test.ts keeps bare sleeps out of test files.
 */
import { vi } from 'vitest';

export interface WaitOptions {
  /** Deadline for the condition (default 15 s). */
  timeoutMs?: number;
  /** How often to probe (default 20 ms). */
  intervalMs?: number;
}

type Falsy = undefined | null | false | 0 | '';

/**
 * Probe until it returns something truthy, and return that. On the deadline it fails with
 * "timed out waiting for WHAT" (WHAT may be a function, to describe the state at that moment).
 */
export async function waitUntil<T>(
  what: string | (() => string),
  probe: () => T | Falsy | Promise<T | Falsy>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (!value) {
        const description = typeof what === 'string' ? what : what();
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
      }
      return value;
    },
    { timeout: timeoutMs, interval: options.intervalMs ?? 20 },
  );
}
