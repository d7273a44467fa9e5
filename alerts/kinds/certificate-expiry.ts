import type { AlertEvidence, BusEvent, CertificateExpiryEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/** A certificate close to expiry: severity by the first level it falls in; resolved when renewed or quiet. */
class CertificateExpiryKind implements RuleKind {
  readonly kind = 'certificate-expiry';
  readonly events = ['certificate.expiry'] as const;

  constructor(
    private readonly rule: RuleOf<'certificate-expiry'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'certificate.expiry') this.onExpiry(event);
  }

  private onExpiry(event: CertificateExpiryEvent): void {
    const { alerts, topology, nodes } = this.ctx;
    const fingerprint = fingerprintOf(this.rule.id, event.serial);
    const level = this.rule.levels.find((l) => event.daysLeft <= l.maxDaysLeft);
    const evidence: AlertEvidence = evidenceOf(
      'rule',
      event.timeMs,
      'certificate-not-after',
      { notAfterMs: event.notAfterMs },
      this.ctx.rules.settings.utcOffsetMin,
    );
    if (!level) {
      const open = alerts.find(fingerprint);
      if (open) alerts.resolve(open, event.timeMs, evidence);
      return;
    }
    const node = event.node !== null && topology.has(event.node) ? event.node : null;
    const params = {
      subject: event.subject,
      serial: event.serial,
      daysLeft: Math.floor(event.daysLeft),
      ...(node ? { node, nodeName: nodes.nameOf(node) } : {}),
    };
    const summary = SUMMARIES['certificate-expiry'](params);
    alerts.raise(
      fingerprint,
      evidence,
      event.timeMs,
      () => ({
        rule: this.rule.id,
        severity: level.severity,
        summary,
        params,
        labels: { ...(node ? nodes.labelsOf(node) : {}), serial: event.serial, subject: event.subject },
        node,
        impacted: [],
        suppressedBy: null,
      }),
      { severity: level.severity, params, summary },
    );
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const certificateExpiry: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'certificate-expiry');
  return rule ? new CertificateExpiryKind(rule, ctx) : null;
};
