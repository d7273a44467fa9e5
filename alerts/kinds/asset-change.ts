import type { AssetChangeEvent, BusEvent } from '../../domain';
import { fingerprintOf } from '../alert-keys';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/**
 * A part replaced (模块更换) or software/firmware upgraded (固件升级), as the console's asset register
 * saw it (event `asset.change`): an informational alert per node, change and slot, with the old and
 * new value as evidence, resolved after `resolveAfter` without another change. It records work on
 * the device for the audit; nothing is broken, so it is never folded under an outage.
 */
class AssetChangeKind implements RuleKind {
  readonly kind = 'asset-change';
  readonly events = ['asset.change'] as const;

  constructor(
    private readonly rule: RuleOf<'asset-change'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'asset.change') this.record(event);
  }

  private record(event: AssetChangeEvent): void {
    const { node } = event;
    const params = {
      node,
      nodeName: this.ctx.nodes.nameOf(node),
      change: event.change,
      slot: event.slot,
      slotName: event.slotName,
      field: event.field,
      oldValue: event.oldValue,
      newValue: event.newValue,
    };
    const key =
      event.change === 'module-replaced'
        ? `${node}|${event.change}|${event.slot}`
        : `${node}|${event.change}`;
    const evidence = evidenceOf('poll', event.timeMs, 'asset-change', params);
    this.ctx.alerts.raise(fingerprintOf(this.rule.id, key), evidence, event.timeMs, () => ({
      rule: this.rule.id,
      severity: this.rule.severity,
      summary: SUMMARIES['asset-change'](params),
      params,
      labels: { ...this.ctx.nodes.labelsOf(node), change: event.change, slot: event.slotName },
      node,
      impacted: [],
      suppressedBy: null,
    }));
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const assetChange: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'asset-change');
  return rule ? new AssetChangeKind(rule, ctx) : null;
};
