import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import type { VideoLink } from '../../domain';
import { activeMeeting, CHINA_STANDARD_TIME_OFFSET_MIN, eModel } from '../../domain';
import { videoQuality } from '../../simulator/video-quality';

const meetingAt = (l: VideoLink, t: number) => activeMeeting(l, t, CHINA_STANDARD_TIME_OFFSET_MIN);

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const link = loaded.topology.videoLinks[0]!;
const T = Date.UTC(2026, 10, 25, 2, 0, 0);

describe('video quality', () => {
  it('is good on a healthy link and the same for the same minute', () => {
    const q = videoQuality(loaded.topology, link, T);
    expect(q.lossPct).toBeLessThan(1);
    expect(q.mos).toBeGreaterThan(4);
    expect(videoQuality(loaded.topology, link, T + 30_000)).toEqual(q);
  });

  it('reports the injected loss and jitter, with a lower MOS', () => {
    const q = videoQuality(loaded.topology, link, T, { lossPct: 5, jitterMs: 40 });
    expect(q.lossPct).toBeCloseTo(5, 1);
    expect(q.jitterMs).toBe(40);
    expect(q.receivedProbes).toBe(950);
    expect(q.mos).toBeLessThan(4);
    expect(q.mos).toBeLessThan(videoQuality(loaded.topology, link, T).mos - 0.4);
  });

  it('knows the weekly meetings in local time (Monday 09:00–11:00 全市工作例会 on vc-ny-wolong)', () => {
    const wolong = loaded.topology.videoLinks.find((l) => l.id === 'vc-ny-wolong')!;
    const monday0930 = Date.UTC(2026, 10, 30, 1, 30); // Monday 09:30 in Nanyang
    expect(meetingAt(wolong, monday0930)?.title).toBe('全市工作例会');
    expect(meetingAt(wolong, monday0930 + 2 * 3_600_000)).toBeNull();
    expect(meetingAt(wolong, monday0930 - 86_400_000)).toBeNull();
    // a meeting loads the path a little: more jitter than the same minute without the meeting
    const noMeetings = { ...wolong, meetings: [] };
    expect(videoQuality(loaded.topology, wolong, monday0930).jitterMs).toBeGreaterThanOrEqual(
      videoQuality(loaded.topology, noMeetings, monday0930).jitterMs + 1,
    );
  });

  it('sees 100 % loss when the far end is cut off', () => {
    const q = videoQuality(loaded.topology, link, T, null, false);
    expect(q).toMatchObject({ lossPct: 100, receivedProbes: 0, completed: false });
  });

  it('E-model: MOS falls as delay, jitter and loss grow', () => {
    const mos = (rtt: number, jitter: number, loss: number) => eModel(rtt, jitter, loss).mos;
    expect(mos(20, 2, 0)).toBeCloseTo(4.4, 1);
    expect(mos(20, 2, 2)).toBeLessThan(mos(20, 2, 0));
    expect(mos(300, 30, 0)).toBeLessThan(mos(20, 2, 0));
    expect(mos(600, 60, 0)).toBeLessThan(mos(300, 30, 0));
    expect(mos(20, 2, 100)).toBeLessThan(1.5);
  });
});
