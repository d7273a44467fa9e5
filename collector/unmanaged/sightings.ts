/**
 * Devices seen but not in the inventory (未纳管设备), before they go on the bus as
 * `unmanaged.sighting`: deduplicated per source and device, each published when first seen and then
 * at most once per interval with the count since the last one. Bounded against a flood of spoofed
 * source addresses: at most `maxTracked` devices are remembered (the least recently seen is
 * forgotten first, counted as `evicted`) and at most `maxPublishesPerInterval` events leave per
 * interval (the rest wait for the next one, counted as `deferred`).
 */
import type { UnmanagedSightingEvent } from '../../domain';

export const DEFAULT_SIGHTING_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_TRACKED = 4096;
export const DEFAULT_MAX_PUBLISHES_PER_INTERVAL = 500;

/** One sighting as a receiver or the LLDP check makes it. */
export type Sighting = Omit<
  UnmanagedSightingEvent,
  'type' | 'timeMs' | 'count' | 'firstSeenMs' | 'lastSeenMs' | 'proposal'
>;

export interface SightingGateOptions {
  publish: (event: UnmanagedSightingEvent) => void;
  /** The inventory entry to propose for a device (collector/unmanaged/proposal.ts), made when published. */
  propose: (sighting: Sighting) => string;
  intervalMs?: number;
  maxTracked?: number;
  maxPublishesPerInterval?: number;
  now?: () => number;
}

export interface SightingStats {
  tracked: number;
  published: number;
  evicted: number;
  deferred: number;
}

interface Tracked {
  sighting: Sighting;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Sightings not yet published. */
  pending: number;
  publishedAtMs: number | null;
}

/** What a device says about itself (names, ports) is untrusted: at most this many characters kept. */
export const MAX_TEXT = 255;

const cut = (text: string | null): string | null => (text === null ? null : text.slice(0, MAX_TEXT));

function bounded(s: Sighting): Sighting {
  return {
    ...s,
    name: cut(s.name),
    chassisId: cut(s.chassisId),
    seenBy: s.seenBy && { ...s.seenBy, remotePort: s.seenBy.remotePort.slice(0, MAX_TEXT) },
  };
}

/** Source, address, name and (LLDP) the node and port it was seen on: one device as one source sees it. */
export function sightingKey(s: Sighting): string {
  const where = s.seenBy ? `${s.seenBy.node}:${s.seenBy.ifName}` : '';
  return [s.source, s.address ?? '', s.name ?? s.chassisId ?? '', where].join('|');
}

export class SightingGate {
  private readonly tracked = new Map<string, Tracked>();
  private readonly intervalMs: number;
  private readonly maxTracked: number;
  private readonly maxPublishes: number;
  private readonly now: () => number;
  private windowStartMs = -Infinity;
  private publishedInWindow = 0;
  private readonly counters = { published: 0, evicted: 0, deferred: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SightingGateOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_SIGHTING_INTERVAL_MS;
    this.maxTracked = options.maxTracked ?? DEFAULT_MAX_TRACKED;
    this.maxPublishes = options.maxPublishesPerInterval ?? DEFAULT_MAX_PUBLISHES_PER_INTERVAL;
    this.now = options.now ?? Date.now;
  }

  /** A device was seen: published now when new (and the budget allows), else counted for later. */
  note(seen: Sighting): void {
    const sighting = bounded(seen);
    const nowMs = this.now();
    const key = sightingKey(sighting);
    let entry = this.tracked.get(key);
    if (entry) {
      this.tracked.delete(key); // re-inserted last: the map's order is least recently seen first
      entry.lastSeenMs = nowMs;
      entry.pending++;
      entry.sighting = sighting;
    } else {
      entry = { sighting, firstSeenMs: nowMs, lastSeenMs: nowMs, pending: 1, publishedAtMs: null };
      this.evictIfFull();
    }
    this.tracked.set(key, entry);
    if (entry.publishedAtMs === null) this.publishIfBudget(entry, nowMs);
  }

  /** Publishes what is due: sightings counted since their last event an interval or more ago. */
  flush(): void {
    const nowMs = this.now();
    for (const entry of this.tracked.values()) {
      if (entry.pending === 0) continue;
      if (entry.publishedAtMs !== null && nowMs - entry.publishedAtMs < this.intervalMs) continue;
      if (!this.publishIfBudget(entry, nowMs)) return;
    }
  }

  /** Flushes every interval until close(). */
  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  stats(): SightingStats {
    return { tracked: this.tracked.size, ...this.counters };
  }

  private evictIfFull(): void {
    while (this.tracked.size >= this.maxTracked) {
      const oldest = this.tracked.keys().next().value;
      if (oldest === undefined) return;
      this.tracked.delete(oldest);
      this.counters.evicted++;
    }
  }

  private publishIfBudget(entry: Tracked, nowMs: number): boolean {
    if (nowMs - this.windowStartMs >= this.intervalMs) {
      this.windowStartMs = nowMs;
      this.publishedInWindow = 0;
    }
    if (this.publishedInWindow >= this.maxPublishes) {
      this.counters.deferred++;
      return false;
    }
    this.publishedInWindow++;
    this.counters.published++;
    this.options.publish({
      type: 'unmanaged.sighting',
      timeMs: nowMs,
      ...entry.sighting,
      count: entry.pending,
      firstSeenMs: entry.firstSeenMs,
      lastSeenMs: entry.lastSeenMs,
      proposal: this.options.propose(entry.sighting),
    });
    entry.pending = 0;
    entry.publishedAtMs = nowMs;
    return true;
  }
}
