/**
 * What the monthly report reads besides metrics, from the parts `serve` already runs: the alert
 * engine (maintenance windows; security alerts with their first acknowledgement) and the CA's
 * certificate index. Read when a report is built; the report itself applies the scope.
 */
import type { Silence } from '../../domain';
import { SECURITY_ALERT_KINDS } from '../../alerts';
import type { CertificateRecord } from '../../pki';
import { plannedWorkOf, type AlertWithAck, type PlannedWork, type ReportPeriod } from '../../reports';
import type { AlertsPort, PkiPort } from './ports';

/** Enough for a province's month of security alerts; beyond it the oldest are left out (logged). */
export const MAX_REPORT_ALERTS = 50_000;
const MAX_REPORT_CERTIFICATES = 100_000;

export function maintenanceWindows(alerts: AlertsPort): Silence[] {
  return alerts.silences.list({ includeExpired: true });
}

/** Outages in the period acknowledged as planned work: maintenance in the report. */
export function plannedWorkIn(alerts: AlertsPort, period: ReportPeriod): PlannedWork[] {
  const overlapping = alerts.history({
    fromMs: period.startMs,
    toMs: period.endMs,
    limit: MAX_REPORT_ALERTS,
  });
  return plannedWorkOf(overlapping, period);
}

/** Security alerts that began in the period, each with its first acknowledgement; null without ack records. */
export function securityAlertsOf(alerts: AlertsPort, period: ReportPeriod): AlertWithAck[] | null {
  const acks = alerts.acks?.bind(alerts);
  if (acks === undefined) return null;
  const kinds = new Set(SECURITY_ALERT_KINDS);
  return alerts
    .history({ fromMs: period.startMs, toMs: period.endMs, limit: MAX_REPORT_ALERTS })
    .filter(
      (alert) =>
        alert.startsAtMs >= period.startMs &&
        alert.startsAtMs < period.endMs &&
        kinds.has(alert.kind ?? alert.rule),
    )
    .sort((x, y) => x.startsAtMs - y.startsAtMs || x.id.localeCompare(y.id))
    .map((alert) => {
      const first = acks(alert.id).find((record) => record.action === 'ack');
      return {
        alert,
        firstAck: first === undefined ? null : { by: first.actor, atMs: first.atMs, comment: first.comment },
      };
    });
}

/** The CA's index as the report reads it (a console without a CA: none). */
export function certificatesOf(pki: PkiPort | null): CertificateRecord[] | null {
  if (pki === null) return null;
  return pki.listCertificates({ limit: MAX_REPORT_CERTIFICATES }).map((record) => ({
    ...record,
    issuedAt: record.issuedAt ?? record.notBefore,
    revocationReason: record.revocationReason as CertificateRecord['revocationReason'],
    renewedFrom: null,
    actor: '',
  }));
}
