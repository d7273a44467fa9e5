import { CHINA_STANDARD_TIME_OFFSET_MIN } from '../domain';

/** A calendar month in the network's local time: [startMs, endMs). */
export interface ReportPeriod {
  /** `2026-11` */
  month: string;
  startMs: number;
  endMs: number;
  utcOffsetMin: number;
}

const MINUTE_MS = 60_000;

/** `2026-11` → the month's local midnights; an error value says what is wrong. */
export function parseMonth(
  text: string,
  utcOffsetMin = CHINA_STANDARD_TIME_OFFSET_MIN,
): { ok: true; period: ReportPeriod } | { ok: false; reason: string } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text.trim());
  if (!match) return { ok: false, reason: `month "${text.slice(0, 20)}" must be YYYY-MM, e.g. 2026-11` };
  const year = Number(match[1]);
  const monthIndex = Number(match[2]) - 1;
  const offsetMs = utcOffsetMin * MINUTE_MS;
  return {
    ok: true,
    period: {
      month: `${match[1]}-${match[2]}`,
      startMs: Date.UTC(year, monthIndex, 1) - offsetMs,
      endMs: Date.UTC(year, monthIndex + 1, 1) - offsetMs,
      utcOffsetMin,
    },
  };
}

/** Local `YYYY-MM-DD HH:MM` of an instant. */
export function formatLocal(atMs: number, utcOffsetMin: number): string {
  return new Date(atMs + utcOffsetMin * MINUTE_MS).toISOString().slice(0, 16).replace('T', ' ');
}
