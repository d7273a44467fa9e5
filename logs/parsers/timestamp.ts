/**
 * The timestamps devices put in front of their messages, read without a year or a zone as the
 * collector host's local time (devices and collector keep the same civil time; an explicit offset
 * wins). BSD style and its vendor variants: `Dec  6 10:00:00`, `Dec  6 2026 10:00:00+08:00` (Huawei),
 * `Dec  6 10:00:00:123 2026` (H3C), `*Dec  6 10:00:00.123 UTC` (Cisco), `Dec 06 2026 10:00:00` (ASA).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Every quantifier is bounded and every part is anchored: linear on any input.
const BSD =
  /^[*.]?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:[.:](\d{1,6}))?(?: (\d{4}))?(?:([+-])(\d{2}):?(\d{2})| ?(UTC|GMT|Z))?:? ?/;

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

export function readBsdTimestamp(text: string, receivedAtMs: number): ReadTimestamp | null {
  const m = BSD.exec(text);
  if (!m) return null;
  const [whole, mon, day, yearBefore, hh, mm, ss, fraction, yearAfter, sign, offH, offM, utc] = m;
  const month = MONTHS.indexOf(mon as string);
  if (month < 0) return null;
  const explicitYear = yearBefore ?? yearAfter;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  const [d, h, min, s] = [Number(day), Number(hh), Number(mm), Number(ss)];
  const at = (year: number): number => {
    if (sign) {
      const offsetMs = (Number(offH) * 60 + Number(offM)) * 60_000 * (sign === '+' ? 1 : -1);
      return Date.UTC(year, month, d, h, min, s, ms) - offsetMs;
    }
    return utc ? Date.UTC(year, month, d, h, min, s, ms) : new Date(year, month, d, h, min, s, ms).getTime();
  };
  const thisYear = localYearOf(receivedAtMs);
  let timeMs = at(explicitYear ? Number(explicitYear) : thisYear);
  // No year: a December line read in January belongs to last year.
  if (!explicitYear && timeMs > receivedAtMs + DAY_MS) timeMs = at(thisYear - 1);
  return Number.isFinite(timeMs) ? { timeMs, length: whole.length } : null;
}

/** RFC 5424 TIMESTAMP (RFC 3339) or `-`. */
export function readIsoTimestamp(text: string): number | null {
  if (text === '-' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(text))
    return null;
  const timeMs = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(timeMs) ? timeMs : null;
}
