import type { BusEvent, ServiceCheckEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { checkParams, openCheckAlert, resolveCheckAlert } from './service-check-alert';

/** 网页篡改: the page's significant content left its baseline, or a forbidden word appeared. */
class ContentDefacedKind implements RuleKind {
  readonly kind = 'content-defaced';
  readonly events = ['service.check'] as const;

  constructor(
    private readonly rule: RuleOf<'content-defaced'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'service.check') this.onCheck(event);
  }

  private onCheck(event: ServiceCheckEvent): void {
    const defaced = event.defaced;
    if (defaced === null) return;
    const offset = this.ctx.rules.settings.utcOffsetMin;
    if (!defaced.found) {
      resolveCheckAlert(
        this.ctx,
        this.rule,
        event,
        evidenceOf('poll', event.timeMs, 'content-restored', {}, offset),
      );
      return;
    }
    const evidence =
      defaced.word !== null
        ? evidenceOf('poll', event.timeMs, 'content-forbidden-word', { word: defaced.word }, offset)
        : evidenceOf(
            'poll',
            event.timeMs,
            'content-changed',
            { sha256: defaced.sha256.slice(0, 12), baseline: defaced.baselineSha256.slice(0, 12) },
            offset,
          );
    const params = {
      ...checkParams(this.ctx, event),
      sha256: defaced.sha256,
      ...(defaced.word ? { word: defaced.word } : {}),
    };
    openCheckAlert(this.ctx, 'content-defaced', this.rule, this.rule.severity, event, params, evidence);
  }
}

export const contentDefaced: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'content-defaced');
  return rule ? new ContentDefacedKind(rule, ctx) : null;
};
