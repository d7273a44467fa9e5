/** Nearest-rank percentile (the smallest value with at least `pct` % of the values at or below it). */
export function percentile(sortedAscending: readonly number[], pct: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((pct / 100) * sortedAscending.length));
  return sortedAscending[rank - 1] ?? null;
}

export interface Spread {
  min: number;
  avg: number;
  p95: number;
  /** How many values (5-minute means) it is made of. */
  count: number;
}

/** min / mean / 95th percentile of some values; null when there are none. */
export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    min: sorted[0] as number,
    avg: sum / sorted.length,
    p95: percentile(sorted, 95) as number,
    count: sorted.length,
  };
}
