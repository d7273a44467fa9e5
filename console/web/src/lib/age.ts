import { t } from './i18n';
import { localDate, localTime } from './network-time.svelte';

/** "3 分钟前" / "3 min ago": the age of a timestamp relative to `nowMs`. */
export function formatAge(atMs: number, nowMs: number): string {
  const s = Math.round((nowMs - atMs) / 1000);
  if (s < 0) return t('age.inFuture', { n: formatDuration(-s) });
  if (s < 5) return t('age.justNow');
  if (s < 60) return t('age.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('age.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('age.hours', { n: h });
  return t('age.days', { n: Math.floor(h / 24) });
}

/** A span of seconds as "2 小时 5 分" / "2 h 5 min". */
export function formatDuration(totalS: number): string {
  const s = Math.max(0, Math.round(totalS));
  if (s < 60) return t('dur.s', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('dur.m', { m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('dur.hm', { h, m: m % 60 });
  return t('dur.dh', { d: Math.floor(h / 24), h: h % 24 });
}

/** Absolute time in the network's zone (not the browser's), for tooltips beside an age. */
export function formatTime(atMs: number): string {
  return localTime(atMs);
}

export function formatDate(atMs: number): string {
  return localDate(atMs);
}
