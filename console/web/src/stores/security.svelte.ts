import type {
  SecurityCategory,
  SecurityEvent,
  SecurityEventsResponse,
  SecurityEventsSummaryResponse,
  TopologyNodeView,
} from '../../../shared';
import { api, query } from '../lib/api';
import { clock } from '../lib/clock.svelte';
import { matchesLive, type LiveFilters } from '../lib/security-match';
import { network } from './network.svelte';

/** How many live events the page shows, and keeps to filter from (newest first); older ones are a search away. */
export const LIVE_SHOWN = 100;
const LIVE_KEPT = 1000;
const PAGE_SIZE = 50;
const NO_NODES: ReadonlyMap<string, TopologyNodeView> = new Map();

export const RANGES = ['1h', '24h', '7d', '30d', 'custom'] as const;
export type RangeKey = (typeof RANGES)[number];
const RANGE_MS: Record<Exclude<RangeKey, 'custom'>, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export interface SecurityFilters {
  text: string;
  node: string;
  /** A county's node id (its router), '' = every county. */
  county: string;
  user: string;
  source: string;
  category: SecurityCategory | '';
  zone: string;
  range: RangeKey;
  /** datetime-local values, used when range is custom. */
  from: string;
  to: string;
}

const emptyFilters = (): SecurityFilters => ({
  text: '',
  node: '',
  county: '',
  user: '',
  source: '',
  category: '',
  zone: '',
  range: '24h',
  from: '',
  to: '',
});

const localMs = (value: string): number | undefined => {
  const ms = value === '' ? Number.NaN : new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
};

/** Security events of the caller's nodes: search with paging, counts per county, the live feed. */
class SecurityEvents {
  filters = $state<SecurityFilters>(emptyFilters());
  results = $state.raw<SecurityEvent[]>([]);
  nextCursor = $state<string | null>(null);
  summary = $state.raw<SecurityEventsSummaryResponse | null>(null);
  live = $state.raw<SecurityEvent[]>([]);
  /** The filters of the search shown (not the ones being typed): the live list follows them too. */
  applied = $state.raw<LiveFilters>(emptyFilters());
  liveShown = $derived(this.liveMatching().slice(0, LIVE_SHOWN));
  /** Events the server did not send live (too many at once); the search finds them. */
  liveSkipped = $state(0);
  loading = $state(false);
  failure = $state<string | null>(null);
  /** Results belong to the query that asked last; an older answer arriving late is dropped. */
  private generation = 0;

  /** The live events the applied search would find; a county is judged on the caller's tree. */
  private liveMatching(): SecurityEvent[] {
    // The topology is read for its reactivity: nodeById is rebuilt with it but is no $state.
    const nodeById = network.topology === null ? NO_NODES : network.nodeById;
    return this.live.filter((event) => matchesLive(event, this.applied, nodeById));
  }

  /** [from, to) of the current filters, in ms; to undefined = now. */
  private range(): { from?: number; to?: number } {
    const f = this.filters;
    if (f.range !== 'custom') return { from: clock.nowMs - RANGE_MS[f.range] };
    return { from: localMs(f.from), to: localMs(f.to) };
  }

  private trimmed(): LiveFilters {
    const f = this.filters;
    return {
      text: f.text.trim(),
      node: f.node.trim(),
      county: f.county,
      user: f.user.trim(),
      source: f.source.trim(),
      category: f.category,
      zone: f.zone,
    };
  }

  private params(): Record<string, string | number | undefined> {
    return { ...this.trimmed(), ...this.range() };
  }

  async search(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.applied = this.trimmed();
    try {
      const [page, summary] = await Promise.all([
        api.get<SecurityEventsResponse>(
          `/api/security-events${query({ ...this.params(), limit: PAGE_SIZE })}`,
        ),
        api.get<SecurityEventsSummaryResponse>(`/api/security-events/summary${query(this.range())}`),
      ]);
      if (generation !== this.generation) return;
      this.results = page.events;
      this.nextCursor = page.nextCursor;
      this.summary = summary;
      this.failure = null;
    } catch (error) {
      if (generation === this.generation)
        this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  async more(): Promise<void> {
    const cursor = this.nextCursor;
    if (cursor === null || this.loading) return;
    const generation = this.generation;
    this.loading = true;
    try {
      const page = await api.get<SecurityEventsResponse>(
        `/api/security-events${query({ ...this.params(), limit: PAGE_SIZE, cursor })}`,
      );
      if (generation !== this.generation) return;
      this.results = [...this.results, ...page.events];
      this.nextCursor = page.nextCursor;
      this.failure = null;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  reset(): void {
    this.filters = emptyFilters();
    void this.search();
  }

  /** The latest events of one node (the node page). */
  async recentOf(node: string, limit = 10): Promise<SecurityEvent[]> {
    const page = await api.get<SecurityEventsResponse>(`/api/security-events${query({ node, limit })}`);
    return page.events;
  }

  /** A security.event from the stream (already limited to the caller's scope by the server). */
  receive(event: SecurityEvent, skipped = 0): void {
    this.live = [event, ...this.live].slice(0, LIVE_KEPT);
    this.liveSkipped += skipped;
  }

  clear(): void {
    this.generation++;
    this.results = [];
    this.nextCursor = null;
    this.summary = null;
    this.live = [];
    this.applied = emptyFilters();
    this.liveSkipped = 0;
    this.failure = null;
    this.filters = emptyFilters();
  }
}

export const security = new SecurityEvents();
