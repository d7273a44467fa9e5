import type { SecurityBusEvent } from '../../domain';

/**
 * Bounded memory for the security kinds: recent event times per key (a sliding window, capped at the
 * most any rule needs to count), and maps that forget their least recently used entry beyond a size.
 */

/**
 * Event times within a window, oldest first; at most `cap` kept (only "≥ cap within the window"
 * matters). Arrival times only grow, so expiry drops from the front: O(1) per event amortized.
 */
export class RecentTimes {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly cap: number) {}

  record(atMs: number): void {
    this.times.push(atMs);
    if (this.times.length - this.head > this.cap) this.head += 1;
    this.compact();
  }

  /** How many recorded times fall in the window ending at nowMs; older ones are dropped. */
  countWithin(nowMs: number, withinMs: number): number {
    const from = nowMs - withinMs;
    while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= from) this.head += 1;
    this.compact();
    return this.times.length - this.head;
  }

  private compact(): void {
    // Copy once as many have been dropped as are kept at most: the array stays under 2 × max(cap, 16).
    if (this.head >= Math.max(16, this.cap)) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * A Map that keeps at most `max` entries: using a key makes it the newest, and the oldest is evicted
 * (handed to `onEvict`, so an index kept beside it can follow).
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly max: number,
    private readonly onEvict: (key: K, value: V) => void = () => {},
  ) {}

  /** The entry for key (made when missing), now the most recently used. */
  use(key: K, make: () => V): V {
    const existing = this.entries.get(key);
    if (existing !== undefined) this.entries.delete(key);
    const value = existing ?? make();
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldestKey);
      this.onEvict(oldestKey, oldest);
    }
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drop every entry `stale` says is no longer needed (not an eviction: onEvict is not called). */
  prune(stale: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.entries) if (stale(value, key)) this.entries.delete(key);
  }
}

/** Attacker-controlled text (user names, addresses) cut before it goes into an alert. */
export function clipped(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Up to `max` distinct names, newest last; the oldest is forgotten beyond that (the list says so). */
export class RecentNames {
  private readonly names: string[] = [];
  private overflowed = false;

  constructor(
    private readonly max = 8,
    initial: readonly string[] = [],
  ) {
    for (const name of initial) this.add(name);
  }

  /** Back from the text toString() wrote (an alert's params after a restart). */
  static parse(text: string, max = 8): RecentNames {
    const names = text.split(', ').filter((name) => name !== '' && name !== '…');
    return new RecentNames(max, names);
  }

  add(name: string): void {
    const at = this.names.indexOf(name);
    if (at >= 0) this.names.splice(at, 1);
    this.names.push(name);
    if (this.names.length > this.max) {
      this.names.shift();
      this.overflowed = true;
    }
  }

  /** "admin, root" or "…, admin, root" when older names were forgotten. */
  toString(): string {
    return `${this.overflowed ? '…, ' : ''}${this.names.join(', ')}`;
  }
}

/**
 * When our receiver got the line: windows and silences count by it, not by the device's clock (device
 * clocks drift, and a wrong one must not stretch a window or hide a node's silence).
 */
export function receivedAtMs(busEvent: SecurityBusEvent): number {
  const received = busEvent.event.receivedAtMs;
  return Number.isFinite(received) ? received : busEvent.timeMs;
}

/** A text field of a line from the bus, or null when it is missing or not text. */
export function textField(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
