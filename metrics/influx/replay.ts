/**
 * Replaying the outage spool once InfluxDB answers again: oldest first, `maxInFlight` batches at a
 * time, then a backfill of the rollups the continuous query will not compute.
 */
import type { MetricPoint } from '../../domain';
import { errorText, rejectedPoints } from './client';
import { extendRange, type TimeRange } from './rollup-backfill';
import type { SpoolQueue } from './spool-queue';

export interface ReplayHooks {
  writeBatch(points: MetricPoint[]): Promise<void>;
  isUp(): boolean;
  dropped(points: number, reason: string): void;
  /** A replayed batch failed for an outage, or the spool could not be read. */
  outage(error: unknown): void;
  replayFailed(error: unknown): void;
  /** Replay ended, whatever the outcome. */
  finished(): void;
  backfill(replayed: TimeRange): Promise<void>;
}

export class SpoolReplay {
  private running: Promise<void> | null = null;
  private replayedRange: TimeRange | null = null;

  constructor(
    private readonly spoolQueue: SpoolQueue,
    private readonly maxInFlight: number,
    private readonly hooks: ReplayHooks,
  ) {}

  /** The replay under way, or null. */
  get inProgress(): Promise<void> | null {
    return this.running;
  }

  /** Start a replay unless one runs; resolves when it ends (a failure is reported, not thrown). */
  start(): Promise<void> {
    this.running ??= this.replay()
      .catch((error: unknown) => this.hooks.replayFailed(error))
      .finally(() => {
        this.running = null;
        this.hooks.finished();
      });
    return this.running;
  }

  /**
   * Sent in order, a window at a time (InfluxDB files points by time, so the arrival order inside one
   * window does not matter). A window is acknowledged up to its first batch that failed for an
   * outage; later batches of that window are sent again after it, which InfluxDB absorbs (same
   * series and time is the same point).
   */
  private async replay(): Promise<void> {
    const spool = this.spoolQueue.spool;
    while (this.hooks.isUp()) {
      const window = await this.spoolQueue.run(() => spool.peekMany(this.maxInFlight));
      if (window.length === 0) break;
      const { acked, outage } = await this.sendWindow(window);
      await this.spoolQueue.run(async () => {
        for (let i = 0; i < acked; i++) await spool.ack();
      });
      if (outage !== null) {
        this.hooks.outage(outage);
        return;
      }
    }
    if (spool.points === 0) await this.backfill();
  }

  private async sendWindow(window: MetricPoint[][]): Promise<{ acked: number; outage: unknown }> {
    const results = await Promise.allSettled(window.map((points) => this.hooks.writeBatch(points)));
    let acked = 0;
    for (const [i, result] of results.entries()) {
      const points = window[i] ?? [];
      if (result.status === 'rejected') {
        const rejected = rejectedPoints(result.reason, points.length);
        if (rejected === null) return { acked, outage: result.reason };
        this.hooks.dropped(rejected, `influx refused a spooled batch: ${errorText(result.reason)}`);
      }
      acked += 1;
      this.replayedRange = extendRange(this.replayedRange, points);
    }
    return { acked, outage: null };
  }

  private async backfill(): Promise<void> {
    const replayed = this.replayedRange;
    this.replayedRange = null;
    if (replayed !== null) await this.hooks.backfill(replayed);
  }
}
