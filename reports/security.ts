import { SECURITY_CATEGORIES, type NodeId, type SecurityCategory } from '../domain';
import type { Topology } from '../inventory';
import type { LogStore } from '../logs';
import { countyOf } from './county';

/** Security events of the month from the log store: per county and category, and the top sources. */
export interface SecuritySection {
  /** One row per county (null: nodes outside any county, and unknown senders), counts per category. */
  byCounty: Array<{
    county: NodeId | null;
    name: string;
    counts: Record<SecurityCategory, number>;
    total: number;
  }>;
  topSources: Array<{ sourceAddress: string; count: number }>;
}

const zeroCounts = (): Record<SecurityCategory, number> =>
  Object.fromEntries(SECURITY_CATEGORIES.map((category) => [category, 0])) as Record<
    SecurityCategory,
    number
  >;

function countyOfSender(topology: Topology, node: NodeId | null): NodeId | null {
  return node === null || !topology.has(node) ? null : countyOf(topology, node);
}

export async function buildSecuritySection(input: {
  logStore: LogStore;
  topology: Topology;
  period: { startMs: number; endMs: number };
  /** A scoped report's nodes: only their events (unknown senders left out). */
  scope?: readonly NodeId[];
}): Promise<SecuritySection> {
  const counts = await input.logStore.counts({
    sinceMs: input.period.startMs,
    untilMs: input.period.endMs,
    topSources: 10,
    ...(input.scope === undefined ? {} : { scope: input.scope }),
  });
  const rows = new Map<NodeId | null, SecuritySection['byCounty'][number]>();
  for (const { node, category, count } of counts.byNodeCategory) {
    const county = countyOfSender(input.topology, node);
    const name = county === null ? '其他 other' : input.topology.node(county).name;
    const row = rows.get(county) ?? { county, name, counts: zeroCounts(), total: 0 };
    row.counts[category] += count;
    row.total += count;
    rows.set(county, row);
  }
  const byCounty = [...rows.values()].sort(
    (x, y) =>
      (x.county === null ? 1 : 0) - (y.county === null ? 1 : 0) ||
      (x.county ?? '').localeCompare(y.county ?? ''),
  );
  return { byCounty, topSources: counts.topSources };
}
