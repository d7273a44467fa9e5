import { compareOid, type Oid } from './oid';
import type { Entry } from './mib/entry';

/**
 * A device's whole OID tree as a few sorted segments that follow each other in OID order (its own
 * LLDP rows, the shared shape, its own video tables), each already sorted. Lookups are binary searches.
 */
export class MibView {
  private readonly segments: Entry[][];

  constructor(segments: Entry[][]) {
    this.segments = segments.filter((s) => s.length > 0);
    for (let i = 1; i < this.segments.length; i++) {
      const prev = this.segments[i - 1] as Entry[];
      const next = this.segments[i] as Entry[];
      if (compareOid((prev[prev.length - 1] as Entry).oid, (next[0] as Entry).oid) >= 0)
        throw new Error('MIB segments overlap');
    }
  }

  get size(): number {
    return this.segments.reduce((n, s) => n + s.length, 0);
  }

  /** The entry with exactly this OID. */
  exact(oid: Oid): Entry | undefined {
    for (const segment of this.segments) {
      const last = segment[segment.length - 1] as Entry;
      if (compareOid(oid, last.oid) > 0) continue;
      let lo = 0;
      let hi = segment.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const c = compareOid((segment[mid] as Entry).oid, oid);
        if (c === 0) return segment[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    }
    return undefined;
  }

  /** The first entry strictly after this OID (GETNEXT). */
  next(oid: Oid): Entry | undefined {
    for (const segment of this.segments) {
      const last = segment[segment.length - 1] as Entry;
      if (compareOid(oid, last.oid) >= 0) continue;
      let lo = 0;
      let hi = segment.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareOid((segment[mid] as Entry).oid, oid) <= 0) lo = mid + 1;
        else hi = mid;
      }
      return segment[lo];
    }
    return undefined;
  }

  /** Position-based walk: the entry after `entry` (fast path for GETBULK repetitions). */
  after(entry: Entry): Entry | undefined {
    return this.next(entry.oid);
  }
}
