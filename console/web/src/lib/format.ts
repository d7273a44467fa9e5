import { network } from '../stores/network.svelte';
import { t } from './i18n';
import { locale } from './locale.svelte';

/** 12.3 Mbps / 850 kbps / 0 bps */
export function formatBps(bps: number | null): string {
  if (bps === null) return t('common.noData');
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbps`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mbps`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbps`;
  return `${Math.round(bps)} bps`;
}

export function formatPct(pct: number | null, digits = 0): string {
  return pct === null ? t('common.noData') : `${pct.toFixed(digits)}%`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i] ?? 'B'}`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? t('common.noData') : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/**
 * A node as the operator's language names it: its (Chinese) name in zh-CN, its id in English, where
 * the inventory has no English name.
 */
export function nodeLabel(id: string): string {
  if (locale.current === 'en') return id;
  return network.nodeById.get(id)?.name ?? id;
}
