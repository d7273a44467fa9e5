import type { Alert } from '../../../shared/api';
import { locale } from './locale.svelte';
import { tOr } from './i18n';

/** An alert's summary in the operator's language: the engine writes zh-CN; English is rendered from rule + params. */
export function alertSummary(alert: Alert): string {
  if (locale.current === 'zh-CN') return alert.summary;
  return tOr(`rule.${alert.rule}`, alert.summary, alert.params);
}
