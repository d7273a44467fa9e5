/**
 * The timestamps devices put in front of their messages, read without a year or a zone as the
 * collector host's local time (devices and collector keep the same civil time; an explicit offset
 * wins). BSD style and its vendor variants: `Dec  6 10:00:00`, `Dec  6 2026 10:00:00+08:00` (Huawei),
 * `Dec  6 10:00:00:123 2026` (H3C), `*Dec  6 10:00:00.123 UTC` (Cisco), `Dec 06 2026 10:00:00` (ASA).
 */
import { scanBsdTimestamp, type BsdFields } from './bsd-timestamp-scan';

export interface ReadTimestamp {
  timeMs: number;
  /** Characters of the input the timestamp (and the space after it) took. */
  length: number;
}

const DAY_MS = 86_400_000;

/** The local year of the last instant asked about, and the range of instants it covers. */
let knownYear = { year: 0, fromMs: 0, toMs: 0 };

/** `new Date(ms).getFullYear()` without a time-zone computation per line (lines arrive in the same year). */
function localYearOf(ms: number): number {
  if (ms >= knownYear.fromMs && ms < knownYear.toMs) return knownYear.year;
  const year = new Date(ms).getFullYear();
  knownYear = { year, fromMs: new Date(year, 0, 1).getTime(), toMs: new Date(year + 1, 0, 1).getTime() };
  return year;
}

/** Local second → its instant, for the last seconds asked about: lines in a burst share their second. */
const localSeconds = new Map<number, number>();
const LOCAL_SECONDS_KEPT = 256;

/**
 * `new Date(year, month, d, h, min, s).getTime()`, remembered: the time-zone computation costs more
 * than the rest of the parse. Exact: zone offsets change on whole seconds, so the milliseconds add.
 */
function localSecondMs(year: number, month: number, d: number, h: number, min: number, s: number): number {
  const key = ((((year * 12 + month) * 32 + d) * 24 + h) * 60 + min) * 60 + s;
  const known = localSeconds.get(key);
  if (known !== undefined) return known;
  if (localSeconds.size >= LOCAL_SECONDS_KEPT) localSeconds.clear();
  const ms = new Date(year, month, d, h, min, s).getTime();
  localSeconds.set(key, ms);
  return ms;
}

/** The timestamp's instant in `year`: its explicit offset, UTC, or the collector's local time. */
function instantIn(year: number, t: BsdFields, ms: number): number {
  if (t.offsetSign !== 0) {
    const offsetMs = (t.offsetHours * 60 + t.offsetMinutes) * 60_000 * t.offsetSign;
    return Date.UTC(year, t.month, t.day, t.hour, t.minute, t.second, ms) - offsetMs;
  }
  if (t.utc) return Date.UTC(year, t.month, t.day, t.hour, t.minute, t.second, ms);
  // Fields past their range (`Dec 32`, `24:00:00`) roll over in Date and would share a key: not remembered.
  if (!(year <= 9999 && t.day <= 31 && t.hour <= 23 && t.minute <= 59 && t.second <= 59))
    return new Date(year, t.month, t.day, t.hour, t.minute, t.second, ms).getTime();
  return localSecondMs(year, t.month, t.day, t.hour, t.minute, t.second) + ms;
}

export function readBsdTimestamp(text: string, receivedAtMs: number): ReadTimestamp | null {
  const t = scanBsdTimestamp(text);
  if (t === null) return null;
  const ms = t.fraction !== null ? Math.floor(Number(`0.${t.fraction}`) * 1000) : 0;
  const thisYear = localYearOf(receivedAtMs);
  const explicitYear = t.year >= 0;
  let timeMs = instantIn(explicitYear ? t.year : thisYear, t, ms);
  // No year: a December line read in January belongs to last year.
  if (!explicitYear && timeMs > receivedAtMs + DAY_MS) timeMs = instantIn(thisYear - 1, t, ms);
  return Number.isFinite(timeMs) ? { timeMs, length: t.length } : null;
}

/** RFC 5424 TIMESTAMP (RFC 3339) or `-`. */
export function readIsoTimestamp(text: string): number | null {
  if (text === '-' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(text))
    return null;
  const timeMs = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(timeMs) ? timeMs : null;
}
