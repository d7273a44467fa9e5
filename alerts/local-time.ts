import type { Meeting, VideoLink, Weekday } from '../inventory/types';
import { WEEKDAYS } from '../inventory/types';

/** Weekly windows (meetings, maintenance windows) are written in local time; the offset says which. */

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

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

export const DAY_MS = DAY_MINUTES * MINUTE_MS;
