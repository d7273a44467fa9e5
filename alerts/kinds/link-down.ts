import { otherEnd } from '../correlation';
import type { EngineContext } from '../engine-context';
import { fingerprintOf, ifKey } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { SUMMARIES } from '../summary';
import type { AlertEvidence } from '../../domain';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

export const linkDownFingerprint = (linkId: string): string => fingerprintOf('link-down', linkId);

/** A link that is nobody's uplink: one link-down alert while any end is down (and not flapping). */
export class LinkDownKind implements RuleKind {
  readonly kind = 'link-down';
  /** Interface changes arrive through the interface machinery (interfaces.ts), not as raw events. */
  readonly events = [] as const;

  constructor(
    private readonly rule: RuleOf<'link-down'>,
    private readonly ctx: EngineContext,
  ) {}

  evaluate(linkId: string, atMs: number, evidence: AlertEvidence | null): void {
    const { alerts, conditions, topology, nodes } = this.ctx;
    const link = topology.links.find((l) => l.id === linkId);
    if (!link) return;
    const downEnd = [link.a, link.b].find((end) => {
      const key = ifKey(end.node, end.interface);
      return conditions.linkedDown.has(key) && !conditions.isDamped(key);
    });
    const fingerprint = linkDownFingerprint(link.id);
    const open = alerts.find(fingerprint);
    if (!downEnd) {
      if (open) alerts.resolve(open, atMs, evidence);
      return;
    }
    if (open) {
      if (evidence) alerts.repeat(open, evidence, atMs);
      return;
    }
    const peer = otherEnd(link, downEnd.node);
    const params = {
      node: downEnd.node,
      nodeName: nodes.nameOf(downEnd.node),
      ifName: downEnd.interface,
      peer,
      peerName: nodes.nameOf(peer),
    };
    alerts.openAlert(
      {
        fingerprint,
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['link-down'](params),
        params,
        labels: { ...nodes.labelsOf(downEnd.node), ifName: downEnd.interface, link: link.id, peer },
        node: downEnd.node,
        impacted: [],
        suppressedBy: this.ctx.outages.suppressorFor([downEnd.node, peer]),
        evidence: evidence ? [evidence] : [],
      },
      atMs,
    );
  }
}

export const linkDown: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'link-down');
  return rule ? new LinkDownKind(rule, ctx) : null;
};
