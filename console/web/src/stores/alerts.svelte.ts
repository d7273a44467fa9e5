import { SEVERITIES, severityRank } from '../../../../domain';
import type {
  AckRequest,
  Alert,
  AlertChange,
  AlertsResponse,
  Severity,
  SilenceRequest,
} from '../../../shared';
import { alertSummary } from '../lib/alert-text';
import { api, query } from '../lib/api';

export interface AlertListFilter {
  minSeverity: Severity;
  zone: string;
  status: 'open' | 'firing' | 'acknowledged' | 'resolved' | 'all';
  text: string;
  includeSuppressed: boolean;
}

type NewAlertListener = (alert: Alert) => void;

/** Live alerts for the signed-in user's scope, fed by the stream: snapshot, then one change at a time. */
class Alerts {
  /** All alerts the stream has told us about, newest state per id. Replaced, never mutated, for cheap reactivity. */
  byId = $state.raw<ReadonlyMap<string, Alert>>(new Map());
  filter = $state<AlertListFilter>({
    minSeverity: 'info',
    zone: 'all',
    status: 'open',
    text: '',
    includeSuppressed: false,
  });
  private newAlertListeners: NewAlertListener[] = [];

  readonly open = $derived(
    [...this.byId.values()].filter((a) => a.status !== 'resolved' && a.suppressedBy === null),
  );
  readonly firingCount = $derived(this.open.filter((a) => a.status === 'firing').length);
  readonly worstOpen = $derived(
    this.open.reduce<Severity | null>(
      (worst, a) => (worst === null || severityRank(a.severity) < severityRank(worst) ? a.severity : worst),
      null,
    ),
  );
  readonly countsBySeverity = $derived(
    Object.fromEntries(
      SEVERITIES.map((s) => [s, this.open.filter((a) => a.severity === s).length]),
    ) as Record<Severity, number>,
  );

  readonly visible = $derived.by(() => {
    const f = this.filter;
    const text = f.text.trim().toLowerCase();
    const minRank = severityRank(f.minSeverity);
    return [...this.byId.values()]
      .filter((a) => {
        if (severityRank(a.severity) > minRank) return false;
        if (!f.includeSuppressed && a.suppressedBy !== null) return false;
        if (f.zone !== 'all' && a.labels.zone !== f.zone) return false;
        if (f.status === 'open' && a.status === 'resolved') return false;
        if (f.status !== 'open' && f.status !== 'all' && a.status !== f.status) return false;
        if (text !== '') {
          // The text shown (the operator's language) and the engine's zh-CN text both match.
          const hay =
            `${alertSummary(a)} ${a.summary} ${a.nodePath.join('/')} ${a.node ?? ''} ${a.rule}`.toLowerCase();
          if (!hay.includes(text)) return false;
        }
        return true;
      })
      .sort(
        (x, y) =>
          Number(x.status === 'resolved') - Number(y.status === 'resolved') ||
          Number(x.status === 'acknowledged') - Number(y.status === 'acknowledged') ||
          severityRank(x.severity) - severityRank(y.severity) ||
          y.startsAtMs - x.startsAtMs,
      );
  });

  onNewAlert(listener: NewAlertListener): void {
    this.newAlertListeners.push(listener);
  }

  replaceAll(alerts: Alert[]): void {
    this.byId = new Map(alerts.map((a) => [a.id, a]));
  }

  apply(change: AlertChange, alert: Alert): void {
    // byId is $state.raw and replaced on every change: one notification per change, not per entry.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const next = new Map(this.byId);
    next.set(alert.id, alert);
    this.byId = next;
    if (change === 'opened' && alert.suppressedBy === null && alert.silencedBy.length === 0) {
      for (const listener of this.newAlertListeners) listener(alert);
    }
  }

  /**
   * The stream carries open alerts; recently resolved ones come from REST when the operator asks
   * for them. Alerts the stream already knows keep their (newer) stream state.
   */
  async loadResolved(): Promise<void> {
    const response = await api.get<AlertsResponse>(
      `/api/alerts${query({ status: 'resolved', includeSuppressed: true, limit: 500 })}`,
    );
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced wholesale, like apply()
    const next = new Map(this.byId);
    for (const alert of response.alerts) if (!next.has(alert.id)) next.set(alert.id, alert);
    this.byId = next;
  }

  forNode(nodeId: string): Alert[] {
    return [...this.byId.values()].filter((a) => a.node === nodeId);
  }

  /** `planned`: an outage acknowledged as planned work (maintenance in the monthly report). */
  async ack(id: string, comment: string, planned = false): Promise<void> {
    const body: AckRequest = planned ? { comment, planned } : { comment };
    await api.post(`/api/alerts/${encodeURIComponent(id)}/ack`, body);
  }

  async unack(id: string, comment: string): Promise<void> {
    const body: AckRequest = { comment };
    await api.post(`/api/alerts/${encodeURIComponent(id)}/unack`, body);
  }

  async silence(request: SilenceRequest): Promise<void> {
    await api.post('/api/silences', request);
  }

  clear(): void {
    this.byId = new Map();
  }
}

export const alerts = new Alerts();
