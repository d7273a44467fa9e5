import type { Meeting, VideoLink, Weekday } from './topology';
import { WEEKDAYS } from './topology';

/**
 * Meetings and maintenance windows are written in the network's local time. China keeps one
 * offset all year (UTC+8, no daylight saving); configurations may name another.
 */
export const CHINA_STANDARD_TIME_OFFSET_MIN = 480;

const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

export function parseHhmm(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Local weekday and minute of the day for an instant. */
export function localWeekMinute(atMs: number, utcOffsetMin: number): { day: Weekday; minute: number } {
  const local = new Date(atMs + utcOffsetMin * MINUTE_MS);
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  const day = WEEKDAYS[(local.getUTCDay() + 6) % 7] ?? 'mon';
  return { day, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/**
 * True when the instant lies in a weekly window: on one of `days`, from `from` to `to` (local, end
 * exclusive). A window whose end is before its start runs past midnight into the next day.
 */
export function inWeeklyWindow(
  atMs: number,
  days: readonly Weekday[],
  from: string,
  to: string,
  utcOffsetMin: number,
): boolean {
  const start = parseHhmm(from);
  const end = parseHhmm(to);
  if (start === null || end === null) return false;
  const { day, minute } = localWeekMinute(atMs, utcOffsetMin);
  if (start <= end) return days.includes(day) && minute >= start && minute < end;
  if (days.includes(day) && minute >= start) return true;
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? 'sun';
  return days.includes(yesterday) && minute < end;
}

function meetingActive(meeting: Meeting, atMs: number, utcOffsetMin: number): boolean {
  if (meeting.start !== undefined && meeting.end !== undefined)
    return atMs >= Date.parse(meeting.start) && atMs < Date.parse(meeting.end);
  if (meeting.days && meeting.from !== undefined && meeting.to !== undefined)
    return inWeeklyWindow(atMs, meeting.days, meeting.from, meeting.to, utcOffsetMin);
  return false;
}

/** The meeting scheduled on a video link at this instant, if any. */
export function activeMeeting(link: VideoLink, atMs: number, utcOffsetMin: number): Meeting | null {
  return link.meetings.find((meeting) => meetingActive(meeting, atMs, utcOffsetMin)) ?? null;
}

/** A meeting's occurrences [startMs, endMs) from a day before `nowMs` to `days` days after it. */
export function meetingOccurrences(
  meeting: Meeting,
  nowMs: number,
  days: number,
  utcOffsetMin: number,
): Array<[number, number]> {
  if (meeting.start !== undefined && meeting.end !== undefined)
    return [[Date.parse(meeting.start), Date.parse(meeting.end)]];
  if (!meeting.days || meeting.from === undefined || meeting.to === undefined) return [];
  const from = parseHhmm(meeting.from);
  const to = parseHhmm(meeting.to);
  if (from === null || to === null) return [];
  const offsetMs = utcOffsetMin * MINUTE_MS;
  const localMidnight = Math.floor((nowMs + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
  const out: Array<[number, number]> = [];
  for (let offset = -1; offset <= days; offset += 1) {
    const midnight = localMidnight + offset * DAY_MS;
    if (!meeting.days.includes(localWeekMinute(midnight, utcOffsetMin).day)) continue;
    const start = midnight + from * MINUTE_MS;
    const end = midnight + to * MINUTE_MS;
    out.push([start, end > start ? end : end + DAY_MS]);
  }
  return out;
}

/** The meeting in progress now (its title) and the next one to start within a week. */
export function meetingStatus(
  meetings: readonly Meeting[],
  nowMs: number,
  utcOffsetMin: number,
): { meetingNow: string | null; nextMeeting: { title: string; startsAtMs: number } | null } {
  let meetingNow: string | null = null;
  let nextMeeting: { title: string; startsAtMs: number } | null = null;
  for (const meeting of meetings) {
    for (const [start, end] of meetingOccurrences(meeting, nowMs, 7, utcOffsetMin)) {
      if (start <= nowMs && nowMs < end) meetingNow ??= meeting.title;
      else if (start > nowMs && (nextMeeting === null || start < nextMeeting.startsAtMs))
        nextMeeting = { title: meeting.title, startsAtMs: start };
    }
  }
  return { meetingNow, nextMeeting };
}
