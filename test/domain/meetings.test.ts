import { describe, expect, it } from 'vitest';
import {
  CHINA_STANDARD_TIME_OFFSET_MIN as CST,
  activeMeeting,
  asNodeId,
  inWeeklyWindow,
  meetingStatus,
  type Meeting,
  type VideoLink,
} from '../../domain';

const weekly: Meeting = { title: '全市工作例会', days: ['mon'], from: '09:00', to: '11:00' };
const night: Meeting = { title: '夜间演练', days: ['fri'], from: '23:00', to: '01:00' };
const link: VideoLink = {
  id: 'v1',
  name: 'city ↔ wolong',
  a: asNodeId('city-mcu'),
  b: asNodeId('wolong-mcu'),
  probe: 'nqa',
  meetings: [weekly, night],
};
/** Monday 2026-11-30 09:30 in Beijing is 01:30 UTC. */
const monday0930 = Date.UTC(2026, 10, 30, 1, 30);

describe('meeting windows (one implementation for simulator, alerts and console)', () => {
  it('reads weekly meetings in the network’s local time, not the server’s', () => {
    expect(activeMeeting(link, monday0930, CST)?.title).toBe('全市工作例会');
    expect(activeMeeting(link, monday0930, 0)).toBeNull();
    expect(activeMeeting(link, monday0930 + 2 * 3_600_000, CST)).toBeNull();
  });

  it('carries a window past midnight into the next day', () => {
    const saturday0030 = Date.UTC(2026, 11, 4, 16, 30);
    expect(inWeeklyWindow(saturday0030, ['fri'], '23:00', '01:00', CST)).toBe(true);
    expect(inWeeklyWindow(saturday0030 + 3_600_000, ['fri'], '23:00', '01:00', CST)).toBe(false);
  });

  it('tells the meeting in progress and the next one to start', () => {
    expect(meetingStatus(link.meetings, monday0930, CST)).toEqual({
      meetingNow: '全市工作例会',
      nextMeeting: { title: '夜间演练', startsAtMs: Date.UTC(2026, 11, 4, 15, 0) },
    });
    const sunday = Date.UTC(2026, 10, 29, 4, 0);
    expect(meetingStatus(link.meetings, sunday, CST)).toEqual({
      meetingNow: null,
      nextMeeting: { title: '全市工作例会', startsAtMs: Date.UTC(2026, 10, 30, 1, 0) },
    });
  });

  it('takes one-off meetings at their absolute times', () => {
    const oneOff: Meeting = {
      title: '防汛调度会',
      start: '2026-12-01T02:00:00Z',
      end: '2026-12-01T03:00:00Z',
    };
    expect(meetingStatus([oneOff], Date.UTC(2026, 11, 1, 2, 30), CST).meetingNow).toBe('防汛调度会');
  });
});
