import type { Alert } from '../../../shared';
import { locale } from './locale.svelte';
import { tOr } from './i18n';

/**
 * An alert's summary in the operator's language. The engine writes zh-CN (alerts/summary.ts);
 * other languages re-render it from rule + params, choosing the variant the engine would have.
 */
export function alertSummary(alert: Alert): string {
  if (locale.current === 'zh-CN') return alert.summary;
  const p = alert.params;
  let key = `rule.${alert.rule}`;
  if ((alert.rule === 'uplink-down' || alert.rule === 'node-unreachable') && Number(p.impacted ?? 0) > 0)
    key += '.impacted';
  if (alert.rule === 'certificate-expiry' && Number(p.daysLeft ?? 1) <= 0) key += '.expired';
  return tOr(key, alert.summary, p);
}
