import { activeMeeting, CHINA_STANDARD_TIME_OFFSET_MIN, eModel, type VideoLink } from '../domain';
import type { Topology } from '../inventory';
import { unit } from './traffic';

/** What the probe at a video link's 'a' end measured in its latest test (one test per minute). */
export interface VideoQuality {
  rttMs: number;
  rttMinMs: number;
  rttMaxMs: number;
  jitterMs: number;
  lossPct: number;
  sentProbes: number;
  receivedProbes: number;
  /** Mean opinion score 1.00–4.50 (ITU-T G.107 E-model, simplified). */
  mos: number;
  /** Cisco's ICPIF (impairment factor), 0 = perfect. */
  icpif: number;
  /** false when the far end did not answer at all. */
  completed: boolean;
}

export const PROBES_PER_TEST = 1000;
const TEST_INTERVAL_MS = 60_000;

export interface Degradation {
  lossPct: number;
  jitterMs: number;
}

/** Links between two nodes through the tree (how far apart the codecs are). */
function hops(topology: Topology, a: string, b: string): number {
  if (!topology.has(a) || !topology.has(b)) return 2;
  const upA = [a, ...topology.ancestors(a)];
  const upB = [b, ...topology.ancestors(b)];
  const common = upA.find((id) => upB.includes(id));
  if (common === undefined) return upA.length + upB.length;
  return upA.indexOf(common) + upB.indexOf(common);
}

/**
 * Latest test result of a video link at an instant: pure function of the link, the clock (meetings
 * add a little jitter) and the injected degradation; `reachable` false means the far end is cut off.
 */
export function videoQuality(
  topology: Topology,
  link: VideoLink,
  timeMs: number,
  degraded: Degradation | null = null,
  reachable = true,
): VideoQuality {
  if (!reachable) {
    const { mos, r } = eModel(0, 0, 100);
    return {
      rttMs: 0,
      rttMinMs: 0,
      rttMaxMs: 0,
      jitterMs: 0,
      lossPct: 100,
      sentProbes: PROBES_PER_TEST,
      receivedProbes: 0,
      mos,
      icpif: Math.round(93.2 - r),
      completed: false,
    };
  }
  const bucket = Math.floor(timeMs / TEST_INTERVAL_MS);
  const key = `${link.id}@${bucket}`;
  const baseRtt = 3 + 2.5 * hops(topology, link.a, link.b) + 4 * unit(`${link.id}#rtt`);
  let jitterMs = 0.8 + 1.7 * unit(`${key}#jitter`);
  const spike = unit(`${key}#spike`) < 0.05;
  let lossPct = spike ? 0.3 + 0.5 * unit(`${key}#loss`) : 0.15 * unit(`${key}#loss`);
  let rttMs = baseRtt * (0.9 + 0.2 * unit(`${key}#rttvar`));
  if (activeMeeting(link, timeMs, CHINA_STANDARD_TIME_OFFSET_MIN)) {
    // the conference's own streams load the path a little
    jitterMs += 1 + 2 * unit(`${key}#meeting`);
    rttMs += 2;
  }
  if (degraded) {
    lossPct = degraded.lossPct;
    jitterMs = degraded.jitterMs;
    rttMs += 1.5 * degraded.jitterMs;
  }
  const receivedProbes = Math.round(PROBES_PER_TEST * (1 - lossPct / 100));
  const exactLoss = (100 * (PROBES_PER_TEST - receivedProbes)) / PROBES_PER_TEST;
  const rounded = (x: number) => Math.max(1, Math.round(x));
  const rtt = rounded(rttMs);
  const jitter = Math.round(jitterMs);
  const { mos, r } = eModel(rtt, jitterMs, exactLoss);
  return {
    rttMs: rtt,
    rttMinMs: rounded(rttMs - 1.5 * jitterMs),
    rttMaxMs: rounded(rttMs + 3 * jitterMs),
    jitterMs: jitter,
    lossPct: exactLoss,
    sentProbes: PROBES_PER_TEST,
    receivedProbes,
    mos: Math.round(mos * 100) / 100,
    icpif: Math.max(0, Math.round(93.2 - r)),
    completed: receivedProbes > 0,
  };
}
