import type { BusEvent, ServiceCheckEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { checkParams, openCheckAlert, resolveCheckAlert } from './service-check-alert';

const DAY_S = 86_400;
const days = (seconds: number): number => Math.floor((seconds / DAY_S) * 10) / 10;

/** 死网: a page that should change (a news portal) has not for longer than its check allows. */
class ContentStaleKind implements RuleKind {
  readonly kind = 'content-stale';
  readonly events = ['service.check'] as const;

  constructor(
    private readonly rule: RuleOf<'content-stale'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'service.check') this.onCheck(event);
  }

  private onCheck(event: ServiceCheckEvent): void {
    const stale = event.stale;
    if (stale === null) return;
    const offset = this.ctx.rules.settings.utcOffsetMin;
    if (!stale.found) {
      resolveCheckAlert(
        this.ctx,
        this.rule,
        event,
        evidenceOf('poll', event.timeMs, 'content-updated', {}, offset),
      );
      return;
    }
    const unchangedDays = days(stale.unchangedS);
    const params = { ...checkParams(this.ctx, event), unchangedDays, limitDays: days(stale.limitS) };
    const evidence = evidenceOf('poll', event.timeMs, 'content-unchanged', { unchangedDays }, offset);
    openCheckAlert(this.ctx, 'content-stale', this.rule, this.rule.severity, event, params, evidence);
  }
}

export const contentStale: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'content-stale');
  return rule ? new ContentStaleKind(rule, ctx) : null;
};
