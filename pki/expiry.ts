/** Expiry: which certificates run out soon, and a warning per threshold crossed (30, 7, 1 days). */
import type { CaContext } from './ca-context';
import type { CertificateRecord } from './store';

export const EXPIRY_THRESHOLDS_DAYS = [30, 7, 1] as const;

export interface ExpiryWarning {
  serial: string;
  nodeId: string | null;
  issuerId: string;
  profile: string;
  commonName: string;
  notAfter: string;
  daysLeft: number;
  /** The threshold crossed: 30, 7 or 1 days. */
  thresholdDays: 30 | 7 | 1;
}

const DAY_MS = 86_400_000;

/** Valid certificates that expire within `withinDays`. */
export function expiring(ctx: CaContext, withinDays: number): CertificateRecord[] {
  return ctx.store
    .list({ status: 'valid', expiresBefore: new Date(ctx.now().getTime() + withinDays * DAY_MS) })
    .filter((record) => new Date(record.notAfter) > ctx.now());
}

/**
 * The warnings due now, each threshold once per certificate (remembered in the index, so restarts
 * do not repeat them).
 */
export function dueExpiryWarnings(ctx: CaContext): ExpiryWarning[] {
  const now = ctx.now().getTime();
  const warnings: ExpiryWarning[] = [];
  for (const record of expiring(ctx, EXPIRY_THRESHOLDS_DAYS[0])) {
    const daysLeft = (new Date(record.notAfter).getTime() - now) / DAY_MS;
    const threshold = [...EXPIRY_THRESHOLDS_DAYS].reverse().find((days) => daysLeft <= days);
    if (threshold === undefined) continue;
    const warned = ctx.store.warnedDays(record.serial);
    if (warned !== null && warned <= threshold) continue;
    ctx.store.setWarnedDays(record.serial, threshold);
    warnings.push({
      serial: record.serial,
      nodeId: record.nodeId,
      issuerId: record.issuerId,
      profile: record.profile,
      commonName: record.commonName,
      notAfter: record.notAfter,
      daysLeft: Math.floor(daysLeft * 10) / 10,
      thresholdDays: threshold,
    });
  }
  return warnings;
}
