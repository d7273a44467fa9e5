import type { BusEvent, ServiceCheckEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { checkParams, openCheckAlert, resolveCheckAlert } from './service-check-alert';

/**
 * A service's certificate (tls checks) close to expiry — severity by the first level it falls in —
 * or failing verification (chain to our CA or the system's, host name, dates): `invalid` severity.
 */
class ServiceCertificateKind implements RuleKind {
  readonly kind = 'service-certificate';
  readonly events = ['service.check'] as const;

  constructor(
    private readonly rule: RuleOf<'service-certificate'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'service.check') this.onCheck(event);
  }

  private onCheck(event: ServiceCheckEvent): void {
    const certificate = event.certificate;
    if (certificate === null) return;
    const offset = this.ctx.rules.settings.utcOffsetMin;
    const daysLeft = Math.floor(certificate.daysLeft);
    const error = certificate.error ?? '';
    const evidence = evidenceOf(
      'poll',
      event.timeMs,
      'service-certificate',
      { subject: certificate.subject, notAfterMs: certificate.notAfterMs, error },
      offset,
    );
    const level = this.rule.levels.find((l) => certificate.daysLeft <= l.maxDaysLeft);
    const severity = !certificate.valid ? this.rule.invalid : level?.severity;
    if (severity === undefined) {
      resolveCheckAlert(this.ctx, this.rule, event, evidence);
      return;
    }
    const params = {
      ...checkParams(this.ctx, event),
      subject: certificate.subject,
      daysLeft,
      ...(certificate.valid ? {} : { error }),
    };
    openCheckAlert(this.ctx, 'service-certificate', this.rule, severity, event, params, evidence);
  }
}

export const serviceCertificate: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'service-certificate');
  return rule ? new ServiceCertificateKind(rule, ctx) : null;
};
