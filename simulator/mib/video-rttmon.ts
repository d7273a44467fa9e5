import type { VideoLink } from '../../domain';
import { Tag } from '../ber';
import { entry, type Entry } from './entry';
import type { QualityAt, QualityWriter } from './video-probe';

/** CISCO-RTTMON-MIB: rttMonCtrlAdminTag names the link; rttMonLatestJitterOperTable holds the result. */
const CTRL_ADMIN_TAG = [1, 3, 6, 1, 4, 1, 9, 9, 42, 1, 2, 1, 1, 3];
const LATEST_JITTER_ENTRY = [1, 3, 6, 1, 4, 1, 9, 9, 42, 1, 5, 2, 1];
const SENSE_OK = 1;
const SENSE_TIMEOUT = 4;

const lost = (received: number, sent: number) => sent - received;

const COLUMNS: [number, QualityWriter][] = [
  [1, (w, q) => w.unsigned(q.receivedProbes, Tag.Gauge32)],
  [2, (w, q) => w.unsigned(q.rttMs * q.receivedProbes, Tag.Gauge32)],
  [4, (w, q) => w.unsigned(q.rttMinMs, Tag.Gauge32)],
  [5, (w, q) => w.unsigned(q.rttMaxMs, Tag.Gauge32)],
  [26, (w, q) => w.unsigned(Math.ceil(lost(q.receivedProbes, q.sentProbes) / 2), Tag.Gauge32)],
  [27, (w, q) => w.unsigned(Math.floor(lost(q.receivedProbes, q.sentProbes) / 2), Tag.Gauge32)],
  [29, (w) => w.unsigned(0, Tag.Gauge32)],
  [31, (w, q) => w.int(q.completed ? SENSE_OK : SENSE_TIMEOUT)],
  [42, (w, q) => w.unsigned(Math.round(q.mos * 100), Tag.Gauge32)],
  [43, (w, q) => w.unsigned(q.icpif, Tag.Gauge32)],
  [46, (w, q) => w.unsigned(q.jitterMs, Tag.Gauge32)],
  [47, (w, q) => w.unsigned(q.jitterMs, Tag.Gauge32)],
  [48, (w, q) => w.unsigned(q.jitterMs, Tag.Gauge32)],
];

export function rttmonEntries(index: number, quality: QualityAt, link: VideoLink): Entry[] {
  const tag = Buffer.from(link.id);
  return [
    entry([...CTRL_ADMIN_TAG, index], (w) => w.octets(tag)),
    ...COLUMNS.map(([col, write]) =>
      entry([...LATEST_JITTER_ENTRY, col, index], (w, d, now) => write(w, quality(d, now), d, now)),
    ),
  ];
}
