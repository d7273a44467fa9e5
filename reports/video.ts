import { DAY_MS, meetingOccurrences, type NodeId, type VideoLink } from '../domain';
import type { Topology } from '../inventory';
import type { MetricsStore } from '../metrics';
import { BUCKET_S, type Readings } from './availability';
import { countyOf } from './county';
import type { ReportPeriod } from './period';
import { spreadOf, type Spread } from './percentiles';

/**
 * Video conferences of the month: every scheduled meeting (the inventory's video links carry their
 * meetings; one meeting held over many links is one row), the quality its links measured (the
 * `video` measurement's 5-minute means) and the participant counties whose side was cut off.
 */

/** A participant whose MCU, or a node between it and the meeting's host, was unreachable. */
export interface MeetingDrop {
  link: string;
  linkName: string;
  /** The county (or district) the far end belongs to; null when it is in neither. */
  county: NodeId | null;
  countyName: string;
  /** Seconds of the meeting its side was unreachable (a partly down 5-minute bucket counts its share). */
  downS: number;
}

export interface MeetingRow {
  title: string;
  startMs: number;
  endMs: number;
  /** Video links the meeting is held over (one per participant). */
  links: number;
  mos: Spread | null;
  lossPct: Spread | null;
  jitterMs: Spread | null;
  dropped: MeetingDrop[];
}

export interface VideoSection {
  meetings: MeetingRow[];
}

interface Occurrence {
  title: string;
  startMs: number;
  endMs: number;
  links: VideoLink[];
}

const BUCKET_MS = BUCKET_S * 1000;
const QUALITY_FIELDS = ['mos', 'lossPct', 'jitterMs'] as const;

/** Meetings starting in the period, one occurrence per title and time, with the links holding it. */
function occurrencesIn(links: readonly VideoLink[], period: ReportPeriod): Occurrence[] {
  const days = Math.ceil((period.endMs - period.startMs) / DAY_MS) + 1;
  const byKey = new Map<string, Occurrence>();
  for (const link of links)
    for (const meeting of link.meetings)
      for (const [startMs, endMs] of meetingOccurrences(meeting, period.startMs, days, period.utcOffsetMin)) {
        if (startMs < period.startMs || startMs >= period.endMs) continue;
        const key = `${meeting.title}\u0000${startMs}\u0000${endMs}`;
        const occurrence = byKey.get(key) ?? { title: meeting.title, startMs, endMs, links: [] };
        if (!occurrence.links.includes(link)) occurrence.links.push(link);
        byKey.set(key, occurrence);
      }
  return [...byKey.values()].sort((x, y) => x.startMs - y.startMs || x.title.localeCompare(y.title));
}

/** The far end and the nodes above it up to (not including) what it shares with the host's end. */
function farSide(topology: Topology, link: VideoLink): NodeId[] {
  const hostSide = new Set<NodeId>([link.a, ...topology.ancestors(link.a)]);
  const path: NodeId[] = [];
  for (const id of [link.b, ...topology.ancestors(link.b)]) {
    if (hostSide.has(id)) break;
    path.push(id);
  }
  return path;
}

function participantOf(topology: Topology, id: NodeId): { county: NodeId | null; countyName: string } {
  const county = countyOf(topology, id);
  return { county, countyName: topology.node(county ?? id).name };
}

/** Seconds of [startMs, endMs) during which some node of `path` was unreachable. */
function pathDownS(
  path: NodeId[],
  readings: Readings,
  period: ReportPeriod,
  startMs: number,
  endMs: number,
): number {
  const from = Math.max(startMs, period.startMs);
  const to = Math.min(endMs, period.endMs);
  let downS = 0;
  for (let index = Math.floor((from - period.startMs) / BUCKET_MS); ; index += 1) {
    const bucketStart = period.startMs + index * BUCKET_MS;
    if (bucketStart >= to) break;
    const overlapS = (Math.min(bucketStart + BUCKET_MS, to) - Math.max(bucketStart, from)) / 1000;
    let worst = 0;
    for (const id of path) {
      const mean = readings.get(id)?.[index];
      if (mean !== undefined && !Number.isNaN(mean)) worst = Math.max(worst, 1 - mean);
    }
    downS += worst * overlapS;
  }
  return downS;
}

async function qualityOf(
  store: MetricsStore,
  occurrence: Occurrence,
): Promise<Pick<MeetingRow, 'mos' | 'lossPct' | 'jitterMs'>> {
  const linkIds = new Set(occurrence.links.map((link) => link.id));
  const probes = [...new Set(occurrence.links.map((link) => link.a as string))];
  const spreads = await Promise.all(
    QUALITY_FIELDS.map(async (field) => {
      const series = await store.query({
        measurement: 'video',
        field,
        nodes: probes,
        startMs: occurrence.startMs,
        endMs: occurrence.endMs,
        stepS: BUCKET_S,
        aggregation: 'mean',
        groupBy: ['link'],
      });
      const values = series
        .filter((one) => linkIds.has(one.tags.link ?? ''))
        .flatMap((one) => one.points.map(([, value]) => value))
        .filter((value) => Number.isFinite(value));
      return spreadOf(values);
    }),
  );
  return { mos: spreads[0] ?? null, lossPct: spreads[1] ?? null, jitterMs: spreads[2] ?? null };
}

export async function buildVideoSection(input: {
  store: MetricsStore;
  topology: Topology;
  period: ReportPeriod;
  readings: Readings;
  /** The nodes the report covers: a link is in it when its far end is. */
  shown: ReadonlySet<NodeId>;
}): Promise<VideoSection | null> {
  const { topology, period, readings } = input;
  const links = topology.videoLinks.filter((link) => link.meetings.length > 0 && input.shown.has(link.b));
  if (links.length === 0) return null;
  const meetings: MeetingRow[] = [];
  for (const occurrence of occurrencesIn(links, period)) {
    const dropped = occurrence.links
      .map((link) => ({
        link: link.id,
        linkName: link.name,
        ...participantOf(topology, link.b),
        downS: pathDownS(farSide(topology, link), readings, period, occurrence.startMs, occurrence.endMs),
      }))
      .filter((drop) => drop.downS > 0);
    meetings.push({
      title: occurrence.title,
      startMs: occurrence.startMs,
      endMs: occurrence.endMs,
      links: occurrence.links.length,
      ...(await qualityOf(input.store, occurrence)),
      dropped,
    });
  }
  return { meetings };
}
