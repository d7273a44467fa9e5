import { alertSummaryIn, evidenceTextIn, type AlertEvidence } from '../../../../domain';
import type { Alert } from '../../../shared';
import { locale } from './locale.svelte';
import { networkTime } from './network-time.svelte';

/**
 * An alert's summary in the operator's language, from the shared text table (domain/alert-text.ts)
 * by the alert's kind and params. A threshold's zh-CN summary is the one its rule was written with.
 * Alerts stored before they carried their kind are read by their rule id where it names a kind.
 */
export function alertSummary(alert: Alert): string {
  const kind = alert.kind ?? alert.rule;
  if (locale.current === 'zh-CN' && (kind === 'threshold' || alert.kind === undefined)) return alert.summary;
  return alertSummaryIn(locale.current, { ...alert, kind }, networkTime.utcOffsetMin);
}

/** One piece of evidence in the operator's language, times in the network's zone. */
export function evidenceText(evidence: AlertEvidence): string {
  return evidenceTextIn(locale.current, evidence, networkTime.utcOffsetMin);
}
