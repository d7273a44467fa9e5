/**
 * What a screen reader says when a new alert opens (an aria-live region reads `text`). The newest
 * alert replaces the last: a burst is read as its latest line plus a count, not forty sentences.
 */
import type { Alert } from '../../../shared';
import { alertSummary } from './alert-text';
import { t } from './i18n';

const BURST_MS = 3000;

class Announcer {
  text = $state('');
  private burst = 0;
  private lastMs = 0;

  announce(alert: Alert): void {
    const now = Date.now();
    this.burst = now - this.lastMs < BURST_MS ? this.burst + 1 : 1;
    this.lastMs = now;
    const line = t('live.newAlert', { severity: t(`sev.${alert.severity}`), summary: alertSummary(alert) });
    this.text = this.burst > 1 ? `${line} (${t('live.burst', { n: this.burst })})` : line;
  }
}

export const announcer = new Announcer();
