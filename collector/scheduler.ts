/**
 * When to poll what. Every task runs on its own interval, phase-shifted so the tasks sharing an
 * interval are spread evenly across it (no bursts); a global concurrency limit caps polls in flight;
 * a task still queued or running when it is due again skips that turn (counted) instead of piling
 * up, so one slow or dead device never delays the others.
 */

export interface ScheduledTask {
  id: string;
  intervalMs: number;
  run(): Promise<void>;
}

export interface SchedulerOptions {
  concurrency: number;
  now?: () => number;
  /** Report how late a poll started relative to its slot. */
  onLag?: (lagMs: number) => void;
}

interface Slot {
  task: ScheduledTask;
  dueMs: number;
  timer: NodeJS.Timeout | null;
  busy: boolean;
}

export interface SchedulerStats {
  running: number;
  queued: number;
  /** Turns skipped because the previous poll of the same task had not finished. */
  skipped: number;
  started: number;
}

export class Scheduler {
  private readonly slots: Slot[] = [];
  private readonly ready: Array<{ slot: Slot; dueMs: number }> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private running = 0;
  private skipped = 0;
  private started = 0;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    if (!(options.concurrency >= 1))
      throw new Error(`scheduler concurrency must be >= 1, got ${options.concurrency}`);
    this.now = options.now ?? Date.now;
  }

  /** Start every task, spread over its interval: the k-th of n tasks with interval I starts at k·I/n. */
  start(tasks: readonly ScheduledTask[]): void {
    this.stopped = false;
    const byInterval = new Map<number, ScheduledTask[]>();
    for (const task of tasks) {
      if (!(task.intervalMs > 0)) throw new Error(`task "${task.id}": interval must be > 0 ms`);
      byInterval.set(task.intervalMs, [...(byInterval.get(task.intervalMs) ?? []), task]);
    }
    const t0 = this.now();
    for (const [intervalMs, group] of byInterval)
      group.forEach((task, k) => {
        const slot: Slot = {
          task,
          dueMs: t0 + Math.floor((k * intervalMs) / group.length),
          timer: null,
          busy: false,
        };
        this.slots.push(slot);
        this.arm(slot);
      });
  }

  private arm(slot: Slot): void {
    if (this.stopped) return;
    slot.timer = setTimeout(() => this.fire(slot), Math.max(0, slot.dueMs - this.now()));
  }

  private fire(slot: Slot): void {
    const dueMs = slot.dueMs;
    slot.dueMs += slot.task.intervalMs;
    // Never schedule into the past after a long stall (e.g. a suspended laptop): skip missed turns.
    const now = this.now();
    while (slot.dueMs <= now) {
      slot.dueMs += slot.task.intervalMs;
      this.skipped++;
    }
    this.arm(slot);
    if (slot.busy) {
      this.skipped++;
      return;
    }
    slot.busy = true;
    this.ready.push({ slot, dueMs });
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.concurrency && this.ready.length > 0) {
      const next = this.ready.shift();
      if (!next) break;
      this.running++;
      this.started++;
      this.options.onLag?.(Math.max(0, this.now() - next.dueMs));
      const run = next.slot.task
        .run()
        .catch((error: unknown) => {
          // Tasks report expected failures themselves; a throw is a bug: surface it, keep polling others.
          queueMicrotask(() => {
            throw error;
          });
        })
        .finally(() => {
          this.running--;
          next.slot.busy = false;
          this.inFlight.delete(run);
          this.pump();
        });
      this.inFlight.add(run);
    }
  }

  stats(): SchedulerStats {
    return { running: this.running, queued: this.ready.length, skipped: this.skipped, started: this.started };
  }

  /** Stop scheduling; resolves when the polls in flight have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots) if (slot.timer) clearTimeout(slot.timer);
    for (const queued of this.ready) queued.slot.busy = false;
    this.ready.length = 0;
    await Promise.all([...this.inFlight]);
  }
}

export type ReachabilityChange = { state: 'reachable' | 'unreachable'; reason: string };

/**
 * Per-node reachability from poll outcomes: unreachable after `missesBeforeUnreachable` failed polls
 * in a row (at once for an authentication failure: retrying cannot fix credentials), reachable again
 * on the first answer. Reports only changes (and the first verdict).
 */
export class ReachabilityTracker {
  private readonly misses = new Map<string, number>();
  private readonly state = new Map<string, 'reachable' | 'unreachable'>();

  constructor(private readonly missesBeforeUnreachable: number) {
    if (!(missesBeforeUnreachable >= 1)) throw new Error('missesBeforeUnreachable must be >= 1');
  }

  succeeded(id: string): ReachabilityChange | null {
    this.misses.set(id, 0);
    if (this.state.get(id) === 'reachable') return null;
    this.state.set(id, 'reachable');
    return { state: 'reachable', reason: 'answering polls' };
  }

  failed(id: string, reason: string, immediate = false): ReachabilityChange | null {
    const misses = (this.misses.get(id) ?? 0) + 1;
    this.misses.set(id, misses);
    if (this.state.get(id) === 'unreachable') return null;
    if (!immediate && misses < this.missesBeforeUnreachable) return null;
    this.state.set(id, 'unreachable');
    return { state: 'unreachable', reason: immediate ? reason : `${reason} (${misses} polls in a row)` };
  }

  stateOf(id: string): 'reachable' | 'unreachable' | 'unknown' {
    return this.state.get(id) ?? 'unknown';
  }

  count(state: 'reachable' | 'unreachable'): number {
    let n = 0;
    for (const s of this.state.values()) if (s === state) n++;
    return n;
  }
}
