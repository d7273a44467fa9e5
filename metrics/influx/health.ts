/**
 * Whether InfluxDB answers, the last error, and the points lost on the way: what health() reports.
 * Going down and coming back up are logged once per transition; drops at most every 10 s.
 */
import type { Logger } from '../../common';
import type { StoreHealth } from '../types';
import { errorText } from './client';
import type { Spool } from './spool';

const DROP_LOG_INTERVAL_MS = 10_000;

export class BackendHealth {
  up = true;
  lastError: string | null = null;
  private droppedPoints = 0;
  private lastDropLogMs = 0;
  private droppedSinceLog = 0;

  constructor(
    private readonly log: Logger,
    private readonly database: string,
    private readonly spool: Spool,
  ) {}

  markDown(error: unknown): void {
    this.lastError = errorText(error);
    if (!this.up) return;
    this.up = false;
    this.log.warn(
      { database: this.database, error: this.lastError, spoolDir: this.spool.dir },
      'influxdb unreachable; spooling points to disk',
    );
  }

  markUp(): void {
    if (this.up) return;
    this.up = true;
    this.lastError = null;
    this.log.info({ database: this.database, spooledPoints: this.spool.points }, 'influxdb reachable again');
  }

  countDropped(points: number, reason: string): void {
    this.droppedPoints += points;
    this.droppedSinceLog += points;
    this.lastError = reason;
    const now = Date.now();
    if (now - this.lastDropLogMs < DROP_LOG_INTERVAL_MS) return;
    this.log.error(
      {
        droppedPoints: this.droppedSinceLog,
        droppedTotal: this.droppedPoints,
        spooledPoints: this.spool.points,
        spoolDir: this.spool.dir,
        reason,
      },
      'metrics points dropped',
    );
    this.lastDropLogMs = now;
    this.droppedSinceLog = 0;
  }

  report(pointsInMemory: number): StoreHealth {
    return {
      pendingPoints: pointsInMemory + this.spool.points,
      spooledPoints: this.spool.points,
      droppedPoints: this.droppedPoints,
      backendUp: this.up,
      lastError: this.lastError,
    };
  }
}
