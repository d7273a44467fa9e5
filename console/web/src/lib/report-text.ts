/** How the Reports page writes the report's values in the reader's language. */
import type { ReportCell, ReportLabel } from '../../../shared';
import { formatDuration } from './age';
import { t } from './i18n';
import { locale } from './locale.svelte';

export function labelText(label: ReportLabel): string {
  return locale.current === 'en' ? label.en : label.zh;
}

export function cellText(cell: ReportCell): string {
  if (cell === null) return '—';
  if (typeof cell === 'object') return labelText(cell);
  return String(cell);
}

/** Availability with three decimals (99.995 %), or "no data". */
export function availabilityText(pct: number | null): string {
  return pct === null ? t('common.noData') : `${pct.toFixed(3)}%`;
}

export function durationText(seconds: number | null): string {
  return seconds === null ? t('common.noData') : formatDuration(seconds);
}
