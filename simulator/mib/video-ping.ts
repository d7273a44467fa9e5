import type { VideoLink } from '../../domain';
import { Tag } from '../ber';
import type { Device } from '../device';
import { entry, type Entry } from './entry';
import type { QualityAt, QualityWriter } from './video-probe';

/** DISMAN-PING-MIB (RFC 4560) pingResultsTable (1.3.6.1.2.1.80.1.3), indexed by owner and test name. */
const RESULTS_ENTRY = [1, 3, 6, 1, 2, 1, 80, 1, 3, 1];

/** DateAndTime (8 octets, UTC) of the start of the latest one-minute test. */
function dateAndTime(now: number): Buffer {
  const d = new Date(Math.floor(now / 60_000) * 60_000);
  const b = Buffer.alloc(8);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = d.getUTCHours();
  b[5] = d.getUTCMinutes();
  b[6] = d.getUTCSeconds();
  b[7] = 0;
  return b;
}

export function pingEntries(index: number[], quality: QualityAt, link: VideoLink, dev: Device): Entry[] {
  const far = dev.network.topology.find(link.b);
  const target = Buffer.from((far?.address ?? '0.0.0.0').split('.').map((p) => Number(p) & 0xff));
  const columns: [number, QualityWriter][] = [
    [1, (w) => w.int(1)],
    [2, (w) => w.int(1)],
    [3, (w) => w.octets(target)],
    [4, (w, q) => w.unsigned(q.rttMinMs, Tag.Gauge32)],
    [5, (w, q) => w.unsigned(q.rttMaxMs, Tag.Gauge32)],
    [6, (w, q) => w.unsigned(q.rttMs, Tag.Gauge32)],
    [7, (w, q) => w.unsigned(q.receivedProbes, Tag.Gauge32)],
    [8, (w, q) => w.unsigned(q.sentProbes, Tag.Gauge32)],
    [9, (w, q) => w.unsigned(q.receivedProbes * (q.rttMs * q.rttMs + q.jitterMs * q.jitterMs), Tag.Gauge32)],
    [10, (w, _q, _d, now) => w.octets(dateAndTime(now))],
  ];
  return columns.map(([col, write]) =>
    entry([...RESULTS_ENTRY, col, ...index], (w, d, now) => write(w, quality(d, now), d, now)),
  );
}
