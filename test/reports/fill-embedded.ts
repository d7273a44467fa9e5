import { memoryLogger } from '../../common';
import { openMetricsStore } from '../../metrics';
import { dayOfPoints, type MonthFixture } from './month-fixture';

const DAY_MS = 86_400_000;

/**
 * The fixture's month (or `range`, whole days from its start) into an embedded store file, a day at
 * a time as the collector wrote it (with the store's clock at that day: raw points older than the
 * raw retention are refused). Returns the points the store had to drop (0 expected).
 */
export async function fillEmbedded(
  fixture: MonthFixture,
  path: string,
  range: { startMs: number; endMs: number } = fixture,
): Promise<number> {
  let clockMs = range.startMs;
  const store = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger(), now: () => clockMs });
  await store.init();
  for (let dayMs = range.startMs; dayMs < range.endMs; dayMs += DAY_MS) {
    clockMs = dayMs + DAY_MS;
    store.write(dayOfPoints(fixture, dayMs));
    await store.flush();
  }
  const dropped = store.health().droppedPoints;
  await store.close();
  return dropped;
}
