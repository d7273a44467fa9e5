/**
 * Related alerts of one thing shown as one incident: a degraded video link raises MOS, loss and
 * jitter alerts at once; the operator sees one incident naming the link and what is wrong with it.
 */
import type { Alert } from '../../../shared';

export type AlertItem =
  { type: 'alert'; alert: Alert } | { type: 'incident'; key: string; link: string; alerts: Alert[] };

/** The thing an alert is about, when other alerts may be about it too; null for a standalone alert. */
function incidentKey(alert: Alert): string | null {
  if (alert.status === 'resolved') return null;
  if (alert.kind === 'threshold' && alert.params.measurement === 'video' && alert.labels.link !== undefined)
    return `video:${alert.labels.link}`;
  return null;
}

/** In the list's order: an incident stands where its first (worst) member would, with two members or more. */
export function groupIncidents(alerts: readonly Alert[]): AlertItem[] {
  const members = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const key = incidentKey(alert);
    if (key === null) continue;
    const list = members.get(key);
    if (list === undefined) members.set(key, [alert]);
    else list.push(alert);
  }
  const items: AlertItem[] = [];
  const placed = new Set<string>();
  for (const alert of alerts) {
    const key = incidentKey(alert);
    const group = key === null ? undefined : members.get(key);
    if (key === null || group === undefined || group.length < 2) {
      items.push({ type: 'alert', alert });
      continue;
    }
    if (placed.has(key)) continue;
    placed.add(key);
    items.push({
      type: 'incident',
      key,
      link: String(alert.params.link ?? alert.labels.link),
      alerts: group,
    });
  }
  return items;
}
