import type { BusEvent, ServiceCheckEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { checkParams, openCheckAlert, resolveCheckAlert } from './service-check-alert';

/** A service check failing `failures` runs in a row: one alert per check, resolved by a passing run. */
class ServiceDownKind implements RuleKind {
  readonly kind = 'service-down';
  readonly events = ['service.check'] as const;
  /** Failed runs in a row per node|check (bounded by the number of declared checks). */
  private readonly failuresInRow = new Map<string, number>();

  constructor(
    private readonly rule: RuleOf<'service-down'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'service.check') this.onCheck(event);
  }

  private onCheck(event: ServiceCheckEvent): void {
    const key = `${event.node}|${event.check}`;
    const offset = this.ctx.rules.settings.utcOffsetMin;
    if (event.up) {
      this.failuresInRow.delete(key);
      const latencyMs = Math.round(event.latencyMs ?? 0);
      resolveCheckAlert(
        this.ctx,
        this.rule,
        event,
        evidenceOf('poll', event.timeMs, 'service-ok', { check: event.check, latencyMs }, offset),
      );
      return;
    }
    const count = (this.failuresInRow.get(key) ?? 0) + 1;
    this.failuresInRow.set(key, count);
    if (count < this.rule.failures) return;
    const failure = { reason: event.reason ?? 'failed', detail: event.detail ?? '' };
    const params = { ...checkParams(this.ctx, event), ...failure, failures: count };
    const evidence = evidenceOf(
      'poll',
      event.timeMs,
      'service-failed',
      { check: event.check, ...failure },
      offset,
    );
    openCheckAlert(this.ctx, 'service-down', this.rule, this.rule.severity, event, params, evidence);
  }
}

export const serviceDown: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'service-down');
  return rule ? new ServiceDownKind(rule, ctx) : null;
};
