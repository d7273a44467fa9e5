/** Applying the retention on a schedule (hourly by default), for the process that owns the store. */
import type { Logger } from '../../common';
import type { LogStore } from './types';

export interface RetentionScheduleOptions {
  logger: Logger;
  /** Default one hour: day partitions age out within the hour after their last event expires. */
  intervalMs?: number;
  now?: () => number;
}

/** Applies the retention now and then every interval; a failure is logged and retried next time. */
export function startRetentionSchedule(store: LogStore, options: RetentionScheduleOptions): () => void {
  const now = options.now ?? Date.now;
  const apply = (): void => {
    store.applyRetention(now()).then(
      (result) => {
        if (result.deletedEvents > 0 || result.droppedPartitions.length > 0)
          options.logger.info({ ...result }, 'log retention applied');
      },
      (error: unknown) =>
        options.logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'log retention failed; retried at the next interval',
        ),
    );
  };
  apply();
  const timer = setInterval(apply, options.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
