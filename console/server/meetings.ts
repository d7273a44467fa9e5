/** Which scheduled meeting is on a video link now, and which is next (server local time). */
import type { Meeting, Weekday } from '../../inventory';

const DAY_INDEX: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The meeting occurrences [startMs, endMs) within the next `days` days (and the one in progress). */
function occurrences(meeting: Meeting, nowMs: number, days: number): Array<[number, number]> {
  if (meeting.start !== undefined && meeting.end !== undefined)
    return [[Date.parse(meeting.start), Date.parse(meeting.end)]];
  if (!meeting.days || meeting.from === undefined || meeting.to === undefined) return [];
  const out: Array<[number, number]> = [];
  const base = new Date(nowMs);
  base.setHours(0, 0, 0, 0);
  for (let offset = -1; offset <= days; offset += 1) {
    const day = new Date(base);
    day.setDate(base.getDate() + offset);
    if (!meeting.days.some((name) => DAY_INDEX[name] === day.getDay())) continue;
    const start = day.getTime() + minutesOf(meeting.from) * 60_000;
    const end = day.getTime() + minutesOf(meeting.to) * 60_000;
    out.push([start, end > start ? end : end + 86_400_000]);
  }
  return out;
}

export function meetingStatus(
  meetings: readonly Meeting[],
  nowMs: number,
): { meetingNow: string | null; nextMeeting: { title: string; startsAtMs: number } | null } {
  let meetingNow: string | null = null;
  let nextMeeting: { title: string; startsAtMs: number } | null = null;
  for (const meeting of meetings) {
    for (const [start, end] of occurrences(meeting, nowMs, 7)) {
      if (start <= nowMs && nowMs < end) meetingNow ??= meeting.title;
      else if (start > nowMs && (nextMeeting === null || start < nextMeeting.startsAtMs))
        nextMeeting = { title: meeting.title, startsAtMs: start };
    }
  }
  return { meetingNow, nextMeeting };
}
