/**
 * Log retention. 网络安全法 §21 requires network logs to be kept for at least six months, so a
 * retention under 180 days is refused unless the operator says, explicitly, that it is meant.
 */
import type { Logger } from '../../common';

export const LEGAL_MINIMUM_RETENTION_DAYS = 180;
export const DEFAULT_RETENTION_DAYS = 180;
export const DAY_MS = 86_400_000;

export interface LogRetentionOptions {
  /** Default DEFAULT_RETENTION_DAYS. */
  retentionDays?: number;
  /** Accept a retention under the legal minimum (tests, labs); a warning is logged. */
  allowBelowLegalMinimum?: boolean;
}

/** The retention in days, checked; throws an Error that says what is wrong and how to proceed. */
export function checkLogRetention(options: LogRetentionOptions, logger: Logger): number {
  const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`log retention must be a whole number of days >= 1, got ${String(days)}`);
  }
  if (days < LEGAL_MINIMUM_RETENTION_DAYS) {
    if (options.allowBelowLegalMinimum !== true) {
      throw new Error(
        `log retention of ${days} days is under the legal minimum of ${LEGAL_MINIMUM_RETENTION_DAYS} days ` +
          '(网络安全法 §21: network logs are kept at least six months); use at least ' +
          `${LEGAL_MINIMUM_RETENTION_DAYS} days, or set the explicit override if this store is not the record of logs`,
      );
    }
    logger.warn(
      { retentionDays: days, legalMinimumDays: LEGAL_MINIMUM_RETENTION_DAYS },
      'log retention is under the legal minimum of six months (网络安全法 §21), by explicit override',
    );
  }
  return days;
}

/** Events received before this instant are past the retention. */
export const retentionCutoffMs = (nowMs: number, retentionDays: number): number =>
  nowMs - retentionDays * DAY_MS;
