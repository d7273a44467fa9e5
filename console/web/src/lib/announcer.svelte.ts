/**
 * What a screen reader says when a new alert opens (an aria-live region reads `text`). The newest
 * alert replaces the last: a burst is read as its latest line plus a count, not forty sentences.
 * The line is built when read, so it follows a language switch like every other text.
 */
import type { Alert } from '../../../shared';
import { alertSummary } from './alert-text';
import { t } from './i18n';

const BURST_MS = 3000;

class Announcer {
  private latest = $state.raw<{ alert: Alert; burst: number } | null>(null);
  private lastMs = 0;

  get text(): string {
    if (this.latest === null) return '';
    const { alert, burst } = this.latest;
    const line = t('live.newAlert', { severity: t(`sev.${alert.severity}`), summary: alertSummary(alert) });
    return burst > 1 ? `${line} (${t('live.burst', { n: burst })})` : line;
  }

  announce(alert: Alert): void {
    const now = Date.now();
    const burst = now - this.lastMs < BURST_MS ? (this.latest?.burst ?? 0) + 1 : 1;
    this.lastMs = now;
    this.latest = { alert, burst };
  }
}

export const announcer = new Announcer();
