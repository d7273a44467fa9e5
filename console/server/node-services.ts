/** The node page's service checks: the newest run of each check attached to the node. */
import type { NodeId, ServiceCheckEvent } from '../../domain';
import type { NodeServiceCheckView } from '../shared';

export function nodeServices(runs: readonly ServiceCheckEvent[], node: NodeId): NodeServiceCheckView[] {
  return runs
    .filter((run) => run.node === node)
    .map((run) => ({
      check: run.check,
      kind: run.kind,
      target: run.target,
      up: run.up,
      reason: run.reason,
      detail: run.detail,
      latencyMs: run.latencyMs,
      sinceMs: run.sinceMs,
      lastRunMs: run.timeMs,
      defaced: run.defaced?.found ?? null,
      stale: run.stale?.found ?? null,
      certificateDaysLeft: run.certificate?.daysLeft ?? null,
    }));
}
