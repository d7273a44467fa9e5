import type { AlertEvidence, BusEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/** Someone tried a wrong community or SNMPv3 user on a node (authenticationFailure trap). Never suppressed. */
class AuthFailureKind implements RuleKind {
  readonly kind = 'snmp-auth-failure';
  readonly events = ['trap'] as const;

  constructor(
    private readonly rule: RuleOf<'snmp-auth-failure'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type !== 'trap' || event.trap !== 'authenticationFailure') return;
    const { node, timeMs: atMs } = event;
    const evidence: AlertEvidence = evidenceOf('trap', atMs, 'snmp-auth-trap');
    this.ctx.alerts.raise(fingerprintOf(this.rule.id, node), evidence, atMs, () => {
      const params = { node, nodeName: this.ctx.nodes.nameOf(node) };
      return {
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['snmp-auth-failure'](params),
        params,
        labels: this.ctx.nodes.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: null,
      };
    });
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const snmpAuthFailure: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'snmp-auth-failure');
  return rule ? new AuthFailureKind(rule, ctx) : null;
};
