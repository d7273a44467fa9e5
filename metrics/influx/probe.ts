/**
 * While InfluxDB is down, a ping every `retryIntervalMs`; when it answers, the schema is set up first
 * if it never was (or the server came back empty), then the store is told it is reachable.
 */
import type { InfluxDB } from 'influx';
import { errorText } from './client';

export interface ProbeHooks {
  isUp(): boolean;
  isClosed(): boolean;
  needsSchema(): boolean;
  setUpSchema(): Promise<void>;
  schemaFailed(reason: string): void;
  reachable(): void;
}

export class RecoveryProbe {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly influx: InfluxDB,
    private readonly retryIntervalMs: number,
    private readonly hooks: ProbeHooks,
  ) {}

  /** Probe after `retryIntervalMs`, unless a probe is already scheduled or the store is closed. */
  schedule(): void {
    if (this.timer !== null || this.hooks.isClosed()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.retryIntervalMs);
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Probe now (if the server is down); schedules the next probe while it stays down. */
  async run(): Promise<void> {
    if (this.hooks.isUp()) return;
    const [host] = await this.influx.ping(Math.min(2000, this.retryIntervalMs * 2));
    if (host?.online !== true) {
      this.schedule();
      return;
    }
    if (this.hooks.needsSchema()) {
      try {
        await this.hooks.setUpSchema();
      } catch (error) {
        this.hooks.schemaFailed(errorText(error));
        this.schedule();
        return;
      }
    }
    this.hooks.reachable();
  }
}
