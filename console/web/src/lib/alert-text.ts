import { alertSummaryIn, evidenceTextIn, type AlertEvidence } from '../../../../domain';
import type { Alert } from '../../../shared';
import { locale } from './locale.svelte';
import { tOr } from './i18n';
import { networkTime } from './network-time.svelte';

/**
 * An alert's summary in the operator's language, from the shared text table (domain/alert-text.ts)
 * by the alert's kind and params. A threshold's zh-CN summary is the one its rule was written with.
 */
export function alertSummary(alert: Alert): string {
  if (alert.kind === undefined) return storedAlertSummary(alert);
  if (locale.current === 'zh-CN' && alert.kind === 'threshold') return alert.summary;
  return alertSummaryIn(locale.current, alert, networkTime.utcOffsetMin);
}

/** One piece of evidence in the operator's language, times in the network's zone. */
export function evidenceText(evidence: AlertEvidence): string {
  return evidenceTextIn(locale.current, evidence, networkTime.utcOffsetMin);
}

/** Alerts stored before they carried their kind: re-rendered from rule + params where the rule is a kind's name. */
function storedAlertSummary(alert: Alert): string {
  if (locale.current === 'zh-CN') return alert.summary;
  const p = alert.params;
  let key = `rule.${alert.rule}`;
  if ((alert.rule === 'uplink-down' || alert.rule === 'node-unreachable') && Number(p.impacted ?? 0) > 0)
    key += '.impacted';
  if (alert.rule === 'certificate-expiry' && Number(p.daysLeft ?? 1) <= 0) key += '.expired';
  return tOr(key, alert.summary, p);
}
