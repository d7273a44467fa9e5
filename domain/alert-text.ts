import type { Alert, AlertEvidence } from './alert';
import { ALERT_TEXTS_EN } from './alert-texts-en';
import { ALERT_TEXTS_ZH, type AlertTextKey } from './alert-texts-zh-cn';

/**
 * One text table for alerts, keyed by rule kind and evidence kind, in both languages: the engine
 * builds its zh-CN summary and evidence text (notifications, webhooks) from it, and the console
 * renders the same structured params in the operator's language.
 *
 * Placeholders are `{name}` or `{name|filter}`: `time` and `date` format epoch ms in the network's
 * local time, `paren` wraps a non-empty value in brackets, and any other filter looks up
 * `filter.value` in the table (a metric's name, a comparison, a zone), falling back to the value.
 */

export type TextLang = 'zh-CN' | 'en';
export type TextParams = Record<string, string | number>;

export const ALERT_TEXTS: Record<TextLang, Record<AlertTextKey, string>> = {
  'zh-CN': ALERT_TEXTS_ZH,
  en: ALERT_TEXTS_EN,
};

export type { AlertTextKey };

const MINUTE_MS = 60_000;

/** "2026-05-04 09:30:00" in the zone `utcOffsetMin` east of UTC. */
export function formatLocalTime(atMs: number, utcOffsetMin: number): string {
  const iso = new Date(atMs + utcOffsetMin * MINUTE_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function formatLocalDate(atMs: number, utcOffsetMin: number): string {
  return formatLocalTime(atMs, utcOffsetMin).slice(0, 10);
}

const isKey = (key: string): key is AlertTextKey => key in ALERT_TEXTS_ZH;

function applyFilter(lang: TextLang, filter: string, value: string | number, utcOffsetMin: number): string {
  if (filter === 'time') return formatLocalTime(Number(value), utcOffsetMin);
  if (filter === 'date') return formatLocalDate(Number(value), utcOffsetMin);
  if (filter === 'paren') {
    if (value === '') return '';
    return lang === 'zh-CN' ? `（${value}）` : ` (${value})`;
  }
  const key = `${filter}.${value}`;
  if (isKey(key)) return ALERT_TEXTS[lang][key];
  return filter === 'unit' ? '' : String(value);
}

/**
 * Node names are the operators' own (Chinese) words; English shows the node's id in their place,
 * as it does wherever it has no translation.
 */
function paramsFor(lang: TextLang, params: TextParams): TextParams {
  if (lang === 'zh-CN') return params;
  const out: TextParams = { ...params };
  if (params.node !== undefined) out.nodeName = params.node;
  if (params.peer !== undefined) out.peerName = params.peer;
  return out;
}

export function renderTemplate(
  lang: TextLang,
  template: string,
  params: TextParams,
  utcOffsetMin: number,
): string {
  const values = paramsFor(lang, params);
  return template.replace(
    /\{([A-Za-z0-9_]+)(?:\|([A-Za-z]+))?\}/g,
    (whole, name: string, filter?: string) => {
      const value = values[name];
      if (filter === 'unit' || filter === 'paren')
        return applyFilter(lang, filter, value ?? '', utcOffsetMin);
      if (value === undefined) return whole;
      return filter === undefined ? String(value) : applyFilter(lang, filter, value, utcOffsetMin);
    },
  );
}

/** The table's text for a key, or null when the table has no such key. */
export function renderKey(
  lang: TextLang,
  key: string,
  params: TextParams,
  utcOffsetMin: number,
): string | null {
  return isKey(key) ? renderTemplate(lang, ALERT_TEXTS[lang][key], params, utcOffsetMin) : null;
}

/** Which summary a kind shows for these params (a root cause with nodes behind it, an expired certificate …). */
export function summaryKey(kind: string, params: TextParams): string {
  const base = `summary.${kind}`;
  if ((kind === 'uplink-down' || kind === 'node-unreachable') && Number(params.impacted ?? 0) > 0)
    return `${base}.impacted`;
  if (kind === 'certificate-expiry' && Number(params.daysLeft ?? 1) <= 0) return `${base}.expired`;
  if (kind === 'service-certificate' && params.error !== undefined && params.error !== '')
    return `${base}.invalid`;
  if (kind === 'isolation-breach' && Number(params.breaches ?? 1) > 1) return `${base}.many`;
  if (kind === 'report-delivery') return `${base}.${params.target === 'folder' ? 'folder' : 'webhook'}`;
  if (kind === 'asset-change' && (params.change === 'module-inserted' || params.change === 'module-removed'))
    return `${base}.presence`;
  if (kind === 'threshold') {
    const measurement = `${base}.${String(params.measurement ?? 'other')}`;
    const specific = `${measurement}.${String(params.field ?? '')}`;
    return isKey(specific) ? specific : measurement;
  }
  return base;
}

/** A summary from the table; null when the kind is unknown to it. */
export function renderSummary(
  lang: TextLang,
  kind: string,
  params: TextParams,
  utcOffsetMin: number,
): string | null {
  const text = renderKey(lang, summaryKey(kind, params), params, utcOffsetMin);
  if (kind !== 'threshold') return text;
  const body = text ?? renderKey(lang, 'summary.threshold.other', params, utcOffsetMin) ?? '';
  const meeting =
    params.meeting === undefined ? null : renderKey(lang, 'summary.threshold.meeting', params, utcOffsetMin);
  return body + (meeting ?? '');
}

/** An alert's summary in `lang`; the engine's own text when the alert predates kinds in alerts. */
export function alertSummaryIn(lang: TextLang, alert: Alert, utcOffsetMin: number): string {
  if (alert.kind === undefined) return alert.summary;
  return renderSummary(lang, alert.kind, alert.params, utcOffsetMin) ?? alert.summary;
}

/** One piece of evidence in `lang`; its stored text when it has no kind (alerts stored before kinds). */
export function evidenceTextIn(lang: TextLang, evidence: AlertEvidence, utcOffsetMin: number): string {
  if (evidence.kind === undefined) return evidence.text;
  return renderKey(lang, `evidence.${evidence.kind}`, evidence.params ?? {}, utcOffsetMin) ?? evidence.text;
}
