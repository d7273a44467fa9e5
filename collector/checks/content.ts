/**
 * What an HTTP check watches in the page itself. Defacement (网页篡改): the significant content —
 * the body with the declared dynamic regions cut out, whitespace collapsed — hashed and compared
 * with a baseline (pinned in the checks file, or the first content this collector saw), and words
 * that must never appear. Staleness (死网): how long the page has not changed.
 */
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import type { ServiceCheckEvent } from '../../domain';
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
  private baseline: string | null;
  private staleHash: string | null = null;
  private unchangedSinceMs: number | null = null;
  /** The significant content's hash at the last run (for an operator pinning a new baseline). */
  lastSha256: string | null = null;

  constructor(private readonly check: HttpCheck) {
    this.defaceIgnore = compiled(check.defacement?.ignore ?? []);
    this.staleIgnore = compiled(check.staleness?.ignore ?? []);
    this.words = (check.defacement?.forbiddenWords ?? []).map((word) => word.toLowerCase());
    this.baseline = check.defacement?.baselineSha256 ?? null;
  }

  defaced(body: string): ServiceCheckEvent['defaced'] {
    if (!this.check.defacement) return null;
    const lower = body.toLowerCase();
    const word = this.words.find((w) => lower.includes(w));
    const hash = sha256(significantContent(body, this.defaceIgnore));
    this.lastSha256 = hash;
    this.baseline ??= hash;
    const baselineSha256 = this.baseline;
    return {
      found: word !== undefined || hash !== baselineSha256,
      word: word === undefined ? null : clip(word),
      sha256: hash,
      baselineSha256,
    };
  }

  stale(body: string, lastModifiedMs: number | null, nowMs: number): ServiceCheckEvent['stale'] {
    const staleness = this.check.staleness;
    if (!staleness) return null;
    const hash = sha256(significantContent(body, this.staleIgnore));
    if (hash !== this.staleHash) {
      this.staleHash = hash;
      this.unchangedSinceMs = nowMs;
    }
    const sinceMs = lastModifiedMs ?? this.unchangedSinceMs ?? nowMs;
    const unchangedS = Math.max(0, Math.round((nowMs - sinceMs) / 1000));
    return { found: unchangedS > staleness.after, unchangedS, limitS: staleness.after };
  }
}
