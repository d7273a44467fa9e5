import { Tag } from '../ber';
import { entry, type Entry } from './entry';
import type { QualityAt, QualityWriter } from './video-probe';

/** Huawei NQA-MIB nqaJitterStatsTable (1.3.6.1.4.1.2011.5.25.111.4.3), latest test as row 1. */
const JITTER_ENTRY = [1, 3, 6, 1, 4, 1, 2011, 5, 25, 111, 4, 3, 1];

const COLUMNS: [number, QualityWriter][] = [
  [2, (w, q) => w.int(q.completed ? 1 : 2)],
  [4, (w, q) => w.unsigned(q.receivedProbes, Tag.Counter32)],
  [5, (w, q) => w.unsigned(q.rttMs * q.receivedProbes, Tag.Counter32)],
  [8, (w, q) => w.unsigned(q.rttMinMs, Tag.Gauge32)],
  [9, (w, q) => w.unsigned(q.rttMaxMs, Tag.Gauge32)],
  [40, (w, q) => w.unsigned(q.receivedProbes, Tag.Counter32)],
  [41, (w, q) => w.unsigned(q.sentProbes, Tag.Counter32)],
  [46, (w, q) => w.unsigned(q.rttMs, Tag.Gauge32)],
  [47, (w, q) => w.unsigned(Math.round(q.lossPct), Tag.Gauge32)],
  [48, (w, q) => w.unsigned(q.jitterMs, Tag.Gauge32)],
  [49, (w, q) => w.unsigned(q.jitterMs, Tag.Gauge32)],
  [50, (w, q) => w.unsigned(q.jitterMs, Tag.Gauge32)],
  [60, (w, q) => w.unsigned(Math.round(q.mos * 100), Tag.Gauge32)],
];

export function nqaEntries(index: number[], quality: QualityAt): Entry[] {
  return COLUMNS.map(([col, write]) =>
    entry([...JITTER_ENTRY, col, ...index, 1], (w, d, now) => write(w, quality(d, now), d, now)),
  );
}
