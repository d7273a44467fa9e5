/**
 * One configured zone: the alert rules' utcOffsetMin is the network's local time for the console
 * too. It is sent with the topology (the web shows every time in it) and decides "meeting now" on
 * the video links, whatever zone the host runs in (these tests run in UTC containers).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TopologyResponse, VideoLinksResponse } from '../../console/shared';
import { addUser, login, startStack, type Stack } from '../console/server/support';

/** Monday 01:30 UTC = Monday 09:30 in Shanghai: inside the Nanyang links' weekly 09:00–11:00 meeting. */
const MONDAY_0130_UTC = Date.UTC(2026, 11, 7, 1, 30);

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.stop();
  stack = null;
  vi.useRealTimers();
});

async function videoAndTopology(utcOffsetMin: number | null) {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: MONDAY_0130_UTC });
  stack = await startStack();
  // As a rules file saying `settings: { utcOffsetMin: … }` would configure it.
  if (utcOffsetMin !== null)
    (stack.engine.rules.settings as { utcOffsetMin: number }).utcOffsetMin = utcOffsetMin;
  await addUser(stack, 'tz-watch', 'viewer', null);
  const client = await login(stack.server.url, 'tz-watch');
  const topology = (await (await client.api('/api/topology')).json()) as TopologyResponse;
  const video = (await (await client.api('/api/video-links')).json()) as VideoLinksResponse;
  return { topology, video };
}

describe('the network’s zone', () => {
  it('is China Standard Time by default: a Monday 09:30 meeting is on at 01:30 UTC', async () => {
    const { topology, video } = await videoAndTopology(null);
    expect(topology.utcOffsetMin).toBe(480);
    expect(video.links.find((l) => l.id === 'vc-ny-wolong')?.meetingNow).toBe('全市工作例会');
  });

  it('follows the rules’ utcOffsetMin: in UTC the same instant is 01:30, no meeting', async () => {
    const { topology, video } = await videoAndTopology(0);
    expect(topology.utcOffsetMin).toBe(0);
    const link = video.links.find((l) => l.id === 'vc-ny-wolong');
    expect(link?.meetingNow).toBeNull();
    expect(link?.nextMeeting?.startsAtMs).toBe(Date.UTC(2026, 11, 7, 9, 0));
  });
});
