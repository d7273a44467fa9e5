import type { Alert, AlertEvidence } from '../../domain';
import type { AlertLifecycle } from '../lifecycle';

/** Updates of one open alert at most this often (each update is persisted and published). */
export const REPEAT_EVERY_MS = 10_000;

interface Pending {
  alert: Alert;
  evidence: AlertEvidence;
  atMs: number;
  patch: () => Partial<Alert>;
}

/**
 * Repeats of event-counting alerts (brute force, bursts) under a flood: the first trigger updates the
 * alert at once, later ones within REPEAT_EVERY_MS are folded into one update at the next flush (the
 * newest evidence and the patch as it is then). An attack of thousands of lines a second is a few
 * alert changes a minute, not thousands. `alert.repeats` counts updates; the kinds keep exact counts
 * in params.
 */
export class ThrottledRepeats {
  private readonly lastAppliedMs = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly alerts: AlertLifecycle) {}

  /** The alert just opened: its first repeat waits REPEAT_EVERY_MS like any other. */
  opened(alert: Alert, atMs: number): void {
    this.lastAppliedMs.set(alert.fingerprint, atMs);
  }

  /** One more trigger of an open alert; `urgent` (e.g. severity rising) applies it now whatever the pace. */
  repeat(
    alert: Alert,
    evidence: AlertEvidence,
    atMs: number,
    patch: () => Partial<Alert>,
    urgent = false,
  ): void {
    const last = this.lastAppliedMs.get(alert.fingerprint) ?? -Infinity;
    if (urgent || atMs - last >= REPEAT_EVERY_MS) this.apply({ alert, evidence, atMs, patch });
    else this.pending.set(alert.fingerprint, { alert, evidence, atMs, patch });
  }

  /** Apply the folded repeats that are due; forget alerts that are no longer open. */
  flush(nowMs: number): void {
    for (const [fingerprint, waiting] of this.pending) {
      if (!this.isOpen(waiting.alert)) this.pending.delete(fingerprint);
      else if (nowMs - (this.lastAppliedMs.get(fingerprint) ?? -Infinity) >= REPEAT_EVERY_MS)
        this.apply(waiting);
    }
    for (const fingerprint of this.lastAppliedMs.keys())
      if (!this.alerts.has(fingerprint)) this.lastAppliedMs.delete(fingerprint);
  }

  private apply(update: Pending): void {
    this.pending.delete(update.alert.fingerprint);
    this.lastAppliedMs.set(update.alert.fingerprint, update.atMs);
    this.alerts.repeat(update.alert, update.evidence, update.atMs, update.patch());
  }

  private isOpen(alert: Alert): boolean {
    return this.alerts.find(alert.fingerprint) === alert;
  }
}
