import type { BusEvent, NodeId } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/** A node restarted (coldStart/warmStart trap, or sysUpTime went back): one alert, resolved when quiet. */
class RebootKind implements RuleKind {
  readonly kind = 'reboot';
  readonly events = ['node.reboot', 'trap'] as const;

  constructor(
    private readonly rule: RuleOf<'reboot'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'node.reboot') this.reboot(event.node, event.source, event.uptimeS, event.timeMs);
    else if (event.type === 'trap' && (event.trap === 'coldStart' || event.trap === 'warmStart'))
      this.reboot(event.node, 'trap', 0, event.timeMs, event.trap);
  }

  private reboot(node: NodeId, source: 'poll' | 'trap', uptimeS: number, atMs: number, trap?: string): void {
    const evidence =
      source === 'trap'
        ? evidenceOf(source, atMs, 'reboot-trap', { trap: trap ?? 'coldStart' })
        : evidenceOf(source, atMs, 'uptime-reset', { uptimeS });
    this.ctx.alerts.raise(fingerprintOf(this.rule.id, node), evidence, atMs, () => {
      const params = { node, nodeName: this.ctx.nodes.nameOf(node), uptimeS };
      return {
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES.reboot(params),
        params,
        labels: this.ctx.nodes.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: this.ctx.outages.suppressorFor([node]),
      };
    });
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const reboot: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'reboot');
  return rule ? new RebootKind(rule, ctx) : null;
};
