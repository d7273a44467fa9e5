import type { Alert, BusEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/** A collector that stopped reporting its health: one alert, and every stale-data alert under it. */
export class CollectorSilentKind implements RuleKind {
  readonly kind = 'collector-silent';
  readonly events = ['collector.health'] as const;
  private readonly lastHealth = new Map<string, number>();
  private readonly silent = new Map<string, Alert>();

  constructor(
    private readonly rule: RuleOf<'collector-silent'>,
    private readonly ctx: EngineContext,
  ) {}

  /** The alert of a collector that went silent, if any: it explains stale data everywhere. */
  anySilent(): Alert | undefined {
    for (const alert of this.silent.values()) return alert;
    return undefined;
  }

  restoreAlert(alert: Alert): void {
    const collector = alert.labels.collector;
    if (collector !== undefined) this.silent.set(collector, alert);
  }

  onEvent(event: BusEvent): void {
    if (event.type !== 'collector.health') return;
    this.lastHealth.set(event.collector, event.timeMs);
    const silent = this.silent.get(event.collector);
    if (!silent) return;
    this.silent.delete(event.collector);
    this.ctx.alerts.resolve(silent, event.timeMs, evidenceOf('poll', event.timeMs, 'collector-back'));
    this.staleAlertsFollow();
  }

  onTick(nowMs: number): void {
    for (const [collector, lastMs] of this.lastHealth) {
      if (nowMs - lastMs <= this.rule.after || this.silent.has(collector)) continue;
      const params = { collector, silentS: Math.round((nowMs - lastMs) / 1000) };
      const alert = this.ctx.alerts.openAlert(
        {
          fingerprint: fingerprintOf(this.rule.id, collector),
          rule: this.rule.id,
          severity: this.rule.severity,
          summary: SUMMARIES['collector-silent'](params),
          params,
          labels: { collector },
          node: null,
          impacted: [],
          suppressedBy: null,
          evidence: [
            evidenceOf(
              'rule',
              nowMs,
              'collector-last-report',
              { lastAtMs: lastMs },
              this.ctx.rules.settings.utcOffsetMin,
            ),
          ],
        },
        nowMs,
      );
      this.silent.set(collector, alert);
      this.staleAlertsFollow();
    }
  }

  /** Stale-data alerts are suppressed under a silent collector: re-check them. */
  private staleAlertsFollow(): void {
    this.ctx.alerts.outagesChanged = true;
    this.ctx.dirty.outages = true;
  }
}

export const collectorSilent: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'collector-silent');
  return rule ? new CollectorSilentKind(rule, ctx) : null;
};
