/**
 * What an HTTP check watches in the page itself. Defacement (网页篡改): the significant content —
 * the body with the declared dynamic regions cut out, whitespace collapsed — hashed and compared
 * with a baseline, and words that must never appear. The baseline is the one pinned in the checks
 * file (`baselineSha256`), else the one in the collector's baseline store (baselines.ts: the first
 * content seen, or what an operator accepted with `egov-noc checks rebaseline`), read on every run
 * so a restart or a rebaseline takes effect at once; without a store, the first content this
 * process saw. Staleness (死网): how long the page has not changed.
 */
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import type { Logger } from '../../common';
import type { ServiceCheckEvent } from '../../domain';
import type { BaselineStore } from './baselines';
import type { CheckOf } from './check';

type HttpCheck = CheckOf<'http'>;

const compiled = (patterns: readonly string[]): RE2JS[] =>
  patterns.map((pattern) => RE2JS.compile(pattern, RE2JS.DOTALL));

export function significantContent(body: string, ignore: readonly RE2JS[]): string {
  let text = body;
  for (const region of ignore) text = region.matcher(text).replaceAll('');
  return text.replace(/\s+/g, ' ').trim();
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const clip = (text: string): string => (text.length > 64 ? `${text.slice(0, 63)}…` : text);

export class ContentWatch {
  private readonly defaceIgnore: RE2JS[];
  private readonly staleIgnore: RE2JS[];
  private readonly words: string[];
  private readonly pinned: string | null;
  private baseline: string | null = null;
  private staleHash: string | null = null;
  private unchangedSinceMs: number | null = null;
  /** The significant content's hash at the last run (for an operator pinning a new baseline). */
  lastSha256: string | null = null;

  constructor(
    private readonly check: HttpCheck,
    private readonly baselines: BaselineStore | null = null,
    private readonly log: Logger | null = null,
  ) {
    this.defaceIgnore = compiled(check.defacement?.ignore ?? []);
    this.staleIgnore = compiled(check.staleness?.ignore ?? []);
    this.words = (check.defacement?.forbiddenWords ?? []).map((word) => word.toLowerCase());
    this.pinned = check.defacement?.baselineSha256 ?? null;
  }

  /** The baseline in force for this run's content `hash`: pinned, stored (adopting `hash` if none), or remembered. */
  private baselineFor(hash: string, nowMs: number): string {
    if (this.pinned !== null) return this.pinned;
    if (this.baselines === null) return (this.baseline ??= hash);
    const { id, url } = this.check;
    let stored;
    try {
      stored = this.baselines.get(id, url) ?? this.baselines.adopt(id, url, hash, nowMs);
    } catch (error) {
      // An unreadable store must not stop the check: compare with the baseline last in force.
      this.log?.error({ check: id, err: error }, 'content baseline store failed; using the last baseline');
      return (this.baseline ??= hash);
    }
    if (stored.sha256 !== this.baseline)
      this.log?.info(
        { check: id, url, sha256: stored.sha256, setBy: stored.setBy, previous: this.baseline },
        this.baseline === null ? 'content baseline in force' : 'content baseline changed',
      );
    this.baseline = stored.sha256;
    return stored.sha256;
  }

  defaced(body: string, nowMs: number): ServiceCheckEvent['defaced'] {
    if (!this.check.defacement) return null;
    const lower = body.toLowerCase();
    const word = this.words.find((w) => lower.includes(w));
    const hash = sha256(significantContent(body, this.defaceIgnore));
    this.lastSha256 = hash;
    const baselineSha256 = this.baselineFor(hash, nowMs);
    return {
      found: word !== undefined || hash !== baselineSha256,
      word: word === undefined ? null : clip(word),
      sha256: hash,
      baselineSha256,
    };
  }

  /**
   * A new hash: the page changed, or this is the first run of this process — then the stored age
   * holds if the page is the one stored (a restart does not make a dead portal young again).
   */
  private pageChanged(hash: string, nowMs: number): void {
    const first = this.staleHash === null;
    this.staleHash = hash;
    this.unchangedSinceMs = nowMs;
    if (this.baselines === null) return;
    const { id, url } = this.check;
    try {
      const stored = first ? this.baselines.unchangedSince(id, url) : null;
      if (stored?.sha256 === hash) this.unchangedSinceMs = Math.min(stored.sinceMs, nowMs);
      else this.baselines.pageChanged(id, url, hash, nowMs);
    } catch (error) {
      this.log?.error({ check: id, err: error }, 'content state store failed; page age from this run');
    }
  }

  stale(body: string, lastModifiedMs: number | null, nowMs: number): ServiceCheckEvent['stale'] {
    const staleness = this.check.staleness;
    if (!staleness) return null;
    const hash = sha256(significantContent(body, this.staleIgnore));
    if (hash !== this.staleHash) this.pageChanged(hash, nowMs);
    const sinceMs = lastModifiedMs ?? this.unchangedSinceMs ?? nowMs;
    const unchangedS = Math.max(0, Math.round((nowMs - sinceMs) / 1000));
    return { found: unchangedS > staleness.after, unchangedS, limitS: staleness.after };
  }
}
