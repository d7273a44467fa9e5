import type { Alert, Severity } from '../../../domain';

/** One notification about one alert, as queued in the outbox. */
export type NotificationKind = 'firing' | 'resolved' | 'escalated';

export interface Notification {
  /** Stable per alert, kind and receiver: a receiver that sees it twice can drop the second. */
  dedupKey: string;
  kind: NotificationKind;
  alert: Alert;
  atMs: number;
  /** For rendering local times (China: +480). */
  utcOffsetMin: number;
}

/** A webhook body format: one file per format (generic JSON, WeCom robot, DingTalk robot). */
export interface NotificationFormat {
  render(notification: Notification): unknown;
  /** Robots answer 200 with an error code in the body; null = accepted, else the reason. */
  rejected(status: number, body: string): string | null;
}

export const SEVERITY_ZH: Record<Severity, string> = {
  critical: '严重',
  major: '重要',
  minor: '次要',
  warning: '警告',
  info: '提示',
};
export const KIND_ZH: Record<NotificationKind, string> = {
  firing: '告警',
  resolved: '恢复',
  escalated: '升级（未确认）',
};

export function localTime(atMs: number, utcOffsetMin: number): string {
  const iso = new Date(atMs + utcOffsetMin * 60_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** The markdown both robots show: title line, summary, where, when, impact, dedup key. */
export function markdownLines(n: Notification): string[] {
  const a = n.alert;
  const lines = [`**【${KIND_ZH[n.kind]}·${SEVERITY_ZH[a.severity]}】${a.summary}**`, `> 规则：${a.rule}`];
  if (a.nodePath.length > 0) lines.push(`> 位置：${a.nodePath.join(' / ')}`);
  lines.push(`> 开始：${localTime(a.startsAtMs, n.utcOffsetMin)}`);
  if (n.kind === 'resolved' && a.resolvedAtMs !== null)
    lines.push(`> 恢复：${localTime(a.resolvedAtMs, n.utcOffsetMin)}`);
  if (a.impacted.length > 0) lines.push(`> 影响：${a.impacted.length} 个下级节点`);
  lines.push(`> 去重键：${n.dedupKey}`);
  return lines;
}

export function httpRejected(status: number): string | null {
  return status >= 200 && status < 300 ? null : `HTTP ${status}`;
}

/** WeCom and DingTalk both answer {errcode: 0, errmsg: "ok"} on success. */
export function robotRejected(status: number, body: string): string | null {
  const http = httpRejected(status);
  if (http) return http;
  try {
    const parsed = JSON.parse(body) as { errcode?: unknown; errmsg?: unknown };
    if (parsed.errcode === undefined || parsed.errcode === 0) return null;
    return `errcode ${JSON.stringify(parsed.errcode)}: ${JSON.stringify(parsed.errmsg ?? '')}`;
  } catch {
    return null;
  }
}
