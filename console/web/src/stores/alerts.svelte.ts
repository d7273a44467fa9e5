import { SEVERITIES, severityRank } from '../../../../domain';
import type {
  AckRequest,
  Alert,
  AlertChange,
  AlertsResponse,
  Severity,
  SilenceRequest,
} from '../../../shared';
import { AlertIndex } from '../lib/alert-index';
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
  /** Kept in place, one change at a time (a province has thousands of alerts: no copy per change). */
  private readonly index = new AlertIndex();
  /** Bumped on every change; `byId` and what is drawn from it depend on it. */
  private version = $state(0);
  /** Bumped only when the open alerts change, so their views skip suppressed and resolved churn. */
  private openVersion = $state(0);
  filter = $state<AlertListFilter>({
    minSeverity: 'info',
    zone: 'all',
    status: 'open',
    text: '',
    includeSuppressed: false,
  });
  private newAlertListeners: NewAlertListener[] = [];

  /** All alerts the stream has told us about, newest state per id. Read it in a reactive context to follow it. */
  get byId(): ReadonlyMap<string, Alert> {
    void this.version;
    return this.index.all;
  }

  readonly open = $derived.by(() => {
    void this.openVersion;
    return this.index.openAlerts();
  });
  readonly firingCount = $derived.by(() => {
    void this.openVersion;
    return this.index.firingCount;
  });
  readonly countsBySeverity = $derived.by(() => {
    void this.openVersion;
    return this.index.countsBySeverity();
  });
  readonly worstOpen = $derived(SEVERITIES.find((s) => this.countsBySeverity[s] > 0) ?? null);

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
    this.index.replaceAll(alerts);
    this.changed(true);
  }

  apply(change: AlertChange, alert: Alert): void {
    this.changed(this.index.set(alert));
    if (change === 'opened' && alert.suppressedBy === null && alert.silencedBy.length === 0) {
      for (const listener of this.newAlertListeners) listener(alert);
    }
  }

  private changed(open: boolean): void {
    this.version++;
    if (open) this.openVersion++;
  }

  /**
   * The stream carries open alerts; recently resolved ones come from REST when the operator asks
   * for them. Alerts the stream already knows keep their (newer) stream state.
   */
  async loadResolved(): Promise<void> {
    const response = await api.get<AlertsResponse>(
      `/api/alerts${query({ status: 'resolved', includeSuppressed: true, limit: 500 })}`,
    );
    let open = false;
    for (const alert of response.alerts)
      if (!this.index.all.has(alert.id)) open = this.index.set(alert) || open;
    this.changed(open);
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
    this.index.clear();
    this.changed(true);
  }
}

export const alerts = new Alerts();
