import { unpackOverview, type OverviewModel, type OverviewResponse } from '../../../shared';
import { api } from '../lib/api';
import { clock } from '../lib/clock.svelte';
import { networkTime } from '../lib/network-time.svelte';
import { network } from './network.svelte';

/**
 * The server's summary of the overview (GET /api/overview, a few KB): counts, faults and the tier ×
 * zone matrix for the caller's subtree, computed with the same rules the page uses. A province's
 * front page draws from it until the topology and the first live state (megabytes) have arrived.
 */
class OverviewSummary {
  summary = $state.raw<OverviewResponse | null>(null);
  /** The summary as the page's own model (overviewOf): the same shape the page computes when live. */
  model = $state.raw<OverviewModel | null>(null);
  private pending: Promise<void> | null = null;
  /** Bumped on sign-out, so an answer for the previous user is dropped. */
  private generation = 0;

  /**
   * Ask now, beside the session check rather than after it: a province's page is interactive one round
   * trip sooner. Without a valid session the answer is a 401 and the sign-in screen follows anyway.
   */
  load(): Promise<void> {
    if (this.summary !== null) return Promise.resolve();
    this.pending ??= this.fetch(this.generation);
    return this.pending;
  }

  private async fetch(generation: number): Promise<void> {
    try {
      const summary = await api.get<OverviewResponse>('/api/overview');
      if (generation !== this.generation) return;
      clock.learnServerTime(summary.serverTimeMs);
      networkTime.utcOffsetMin = summary.utcOffsetMin;
      this.model = unpackOverview(summary);
      this.summary = summary;
    } catch {
      // Not signed in yet, or a restricted session: the page waits for the live state instead.
    } finally {
      if (generation === this.generation) this.pending = null;
    }
  }

  clear(): void {
    this.generation++;
    this.pending = null;
    this.summary = null;
    this.model = null;
  }
}

export const overview = new OverviewSummary();

/** Nodes in the caller's subtree as soon as either the summary or the topology knows (home picks its view by it). */
export function knownNodeCount(): number {
  return network.topology?.nodes.length ?? overview.summary?.nodeCount ?? 0;
}
