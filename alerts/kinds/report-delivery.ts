import type { BusEvent, BusEventOf } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/**
 * The scheduled monthly report not delivered: one alert per target (webhook, folder), raised at the
 * first failed attempt, each further attempt a repeat with its error, and resolved by the next
 * successful delivery to that target. An acknowledgement keeps it open (the lifecycle's ack), so
 * the on-call sees it was taken up; it clears only when the report has really gone out. Giving up
 * on a month leaves it open, saying so: the month is then delivered by hand (`egov-noc report`).
 * Its state is the open alert itself, so a restart loses nothing.
 */
class ReportDeliveryKind implements RuleKind {
  readonly kind = 'report-delivery';
  readonly events = ['report.delivery'] as const;

  constructor(
    private readonly rule: RuleOf<'report-delivery'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type !== 'report.delivery') return;
    const fingerprint = fingerprintOf(this.rule.id, event.target);
    if (event.ok) {
      const open = this.ctx.alerts.find(fingerprint);
      if (open !== undefined)
        this.ctx.alerts.resolve(open, event.timeMs, this.evidence(event, 'report-delivered'));
      return;
    }
    const evidence = this.evidence(
      event,
      event.gaveUp ? 'report-delivery-gave-up' : 'report-delivery-failed',
    );
    const params = { month: event.month, target: event.target, error: event.error ?? '' };
    this.ctx.alerts.raise(
      fingerprint,
      evidence,
      event.timeMs,
      () => ({
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['report-delivery'](params),
        params,
        labels: { target: event.target },
        node: null,
        impacted: [],
        suppressedBy: null,
      }),
      { params, summary: SUMMARIES['report-delivery'](params) },
    );
  }

  private evidence(
    event: BusEventOf<'report.delivery'>,
    kind: 'report-delivered' | 'report-delivery-failed' | 'report-delivery-gave-up',
  ) {
    return evidenceOf(
      'rule',
      event.timeMs,
      kind,
      { month: event.month, attempts: event.attempts, error: event.error ?? '' },
      this.ctx.rules.settings.utcOffsetMin,
    );
  }
}

export const reportDelivery: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'report-delivery');
  return rule ? new ReportDeliveryKind(rule, ctx) : null;
};
