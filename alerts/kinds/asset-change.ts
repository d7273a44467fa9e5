import type { AssetChangeEvent, BusEvent, Severity } from '../../domain';
import { fingerprintOf } from '../alert-keys';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

const presence = (event: AssetChangeEvent): boolean =>
  event.change === 'module-inserted' || event.change === 'module-removed';

/**
 * A part replaced (模块更换), inserted (模块插入) or removed (模块拔出), or software/firmware upgraded
 * (固件升级), as the console's asset register saw it (event `asset.change`): an alert per node, change
 * and part, with the old and new value as evidence, resolved after `resolveAfter` without another
 * change. Replacements, upgrades and insertions record work on the device (the rule's severity,
 * info); a removal takes the severity its class has under `removed` (a power supply or fan: major),
 * and the part coming back (inserted under the same class and name) resolves it. Never folded under
 * an outage: an unreachable node reports no parts, it does not lose them.
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

  private severityOf(event: AssetChangeEvent): Severity {
    if (event.change !== 'module-removed') return this.rule.severity;
    const removed = this.rule.removed;
    const partClass = event.partClass ?? '';
    return partClass === 'powerSupply' || partClass === 'fan' || partClass === 'module'
      ? removed[partClass]
      : removed.other;
  }

  /** A removal's alert, keyed by the part's class and name: the part put back resolves it. */
  private removalKey(event: AssetChangeEvent): string {
    return `${event.node}|module-removed|${event.partClass ?? ''}|${event.slotName}`;
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
      partClass: event.partClass ?? '',
      container: event.container ?? '',
      serial: event.newValue || event.oldValue,
    };
    if (event.change === 'module-inserted') this.resolveRemoval(event, params);
    const key =
      event.change === 'module-removed'
        ? this.removalKey(event)
        : event.change === 'firmware-upgraded'
          ? `${node}|${event.change}`
          : `${node}|${event.change}|${event.slot}`;
    const evidenceKind = presence(event) ? 'asset-presence' : 'asset-change';
    const evidence = evidenceOf('poll', event.timeMs, evidenceKind, params);
    this.ctx.alerts.raise(fingerprintOf(this.rule.id, key), evidence, event.timeMs, () => ({
      rule: this.rule.id,
      severity: this.severityOf(event),
      summary: SUMMARIES['asset-change'](params),
      params,
      labels: { ...this.ctx.nodes.labelsOf(node), change: event.change, slot: event.slotName },
      node,
      impacted: [],
      suppressedBy: null,
    }));
  }

  private resolveRemoval(event: AssetChangeEvent, params: Record<string, string>): void {
    const removal = this.ctx.alerts.find(fingerprintOf(this.rule.id, this.removalKey(event)));
    if (removal && removal.status !== 'resolved')
      this.ctx.alerts.resolve(
        removal,
        event.timeMs,
        evidenceOf('poll', event.timeMs, 'asset-presence', params),
      );
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const assetChange: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'asset-change');
  return rule ? new AssetChangeKind(rule, ctx) : null;
};
