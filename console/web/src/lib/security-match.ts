import type { SecurityEvent } from '../../../shared';

/** The search fields the live list is narrowed by (the time range is not: live events are new). */
export interface LiveFilters {
  text: string;
  node: string;
  user: string;
  source: string;
  category: string;
  zone: string;
}

/** Lower case as the log store folds for its text search. */
const fold = (value: string) => value.toLowerCase();

/**
 * Whether a live event would be found by the search the page shows, so the live list and the
 * results agree: exact node, user, source, category and zone; every text term as a substring of
 * the text, message id, user or hostname (docs/logs-store.md, search semantics).
 */
export function matchesLive(event: SecurityEvent, filters: LiveFilters): boolean {
  if (filters.node !== '' && event.node !== filters.node) return false;
  if (filters.user !== '' && event.user !== filters.user) return false;
  if (filters.source !== '' && event.sourceAddress !== filters.source) return false;
  if (filters.category !== '' && event.category !== filters.category) return false;
  if (filters.zone !== '' && event.zone !== filters.zone) return false;
  const haystack = fold(
    [event.text, event.messageId ?? '', event.user ?? '', event.hostname ?? ''].join('\n'),
  );
  return fold(filters.text)
    .split(/\s+/)
    .every((term) => term === '' || haystack.includes(term));
}
