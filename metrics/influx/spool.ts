/**
 * The outage spool: batches that could not reach InfluxDB, kept on disk in append-only segment
 * files and read back oldest first. Bounded in points and bytes; a batch that does not fit is
 * refused (the caller counts and logs it). Survives a restart of the process: on open, the segments
 * already in the folder are counted and replayed first.
 *
 * Segment file `seg-<16-digit seq>.ndjson`, one batch per line: `<points>\t<JSON array of points>`.
 * A torn last line (crash mid-append) is ignored. A segment is deleted once all its batches were
 * acknowledged; a crash before that replays it again, which InfluxDB absorbs (same series + time =
 * same point).
 */
import { appendFile, chmod, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../common';
import type { MetricPoint } from '../../domain';

type CompactPoint = [string, Record<string, string>, Record<string, number>, number];

export interface SpoolLimits {
  maxPoints: number;
  maxBytes: number;
  /** Start a new segment file beyond this size. */
  segmentBytes: number;
}

interface Segment {
  seq: number;
  path: string;
  points: number;
  bytes: number;
}

const SEGMENT_RE = /^seg-(\d{16})\.ndjson$/;

export class Spool {
  private segments: Segment[] = [];
  private nextSeq = 1;
  /** The segment this process appends to; segments found on open are never appended to. */
  private writable: Segment | null = null;
  /** Batches of the oldest segment read into memory, and how many were acknowledged. */
  private reading: { segment: Segment; batches: MetricPoint[][]; acked: number } | null = null;
  private totalPoints = 0;
  private totalBytes = 0;

  constructor(
    readonly dir: string,
    private readonly limits: SpoolLimits,
    /** Called with the points of a line that cannot be parsed (they are counted as dropped). */
    private readonly onCorrupt: (points: number, path: string) => void,
  ) {}

  get points(): number {
    return this.totalPoints;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Create the folder (0700) and count what a previous run left behind (tightened to 0600). */
  async open(): Promise<void> {
    ensurePrivateDir(this.dir);
    const names = (await readdir(this.dir)).filter((name) => SEGMENT_RE.test(name)).sort();
    for (const name of names) {
      const seq = Number(SEGMENT_RE.exec(name)?.[1]);
      const path = join(this.dir, name);
      await chmod(path, PRIVATE_FILE_MODE);
      const text = await readFile(path, 'utf8');
      let points = 0;
      for (const line of completeLines(text)) points += Number(line.slice(0, line.indexOf('\t')));
      const { size } = await stat(path);
      this.segments.push({ seq, path, points, bytes: size });
      this.totalPoints += points;
      this.totalBytes += size;
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
  }

  /** Append one batch. Returns false (and writes nothing) when it would exceed the limits. */
  async append(batch: MetricPoint[]): Promise<boolean> {
    if (batch.length === 0) return true;
    const compact: CompactPoint[] = batch.map((p) => [p.measurement, p.tags, p.fields, p.timeMs]);
    const line = `${batch.length}\t${JSON.stringify(compact)}\n`;
    const bytes = Buffer.byteLength(line);
    if (
      this.totalPoints + batch.length > this.limits.maxPoints ||
      this.totalBytes + bytes > this.limits.maxBytes
    ) {
      return false;
    }
    let tail = this.writable;
    if (tail === null || tail.bytes >= this.limits.segmentBytes || tail === this.reading?.segment) {
      const seq = this.nextSeq++;
      tail = {
        seq,
        path: join(this.dir, `seg-${String(seq).padStart(16, '0')}.ndjson`),
        points: 0,
        bytes: 0,
      };
      this.segments.push(tail);
      this.writable = tail;
    }
    await appendFile(tail.path, line, { mode: PRIVATE_FILE_MODE });
    tail.points += batch.length;
    tail.bytes += bytes;
    this.totalPoints += batch.length;
    this.totalBytes += bytes;
    return true;
  }

  /** The oldest batch not yet acknowledged, or null when the spool is empty. */
  async peek(): Promise<MetricPoint[] | null> {
    for (;;) {
      if (this.reading !== null) {
        const batch = this.reading.batches[this.reading.acked];
        if (batch !== undefined) return batch;
        await this.dropSegment(this.reading.segment);
        this.reading = null;
      }
      const oldest = this.segments[0];
      if (oldest === undefined) {
        // No segment left means nothing left, whatever the counters drifted to.
        this.totalPoints = 0;
        this.totalBytes = 0;
        return null;
      }
      // The segment being read is closed for appends (append() starts a new one).
      const text = await readFile(oldest.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      const batches: MetricPoint[][] = [];
      for (const line of completeLines(text)) {
        try {
          const compact = JSON.parse(line.slice(line.indexOf('\t') + 1)) as CompactPoint[];
          batches.push(
            compact.map(([measurement, tags, fields, timeMs]) => ({ measurement, tags, fields, timeMs })),
          );
        } catch {
          // A damaged line (disk error, hand edit): its points are lost; say so.
          const lost = Number(line.slice(0, line.indexOf('\t'))) || 0;
          oldest.points -= lost;
          this.totalPoints -= lost;
          this.onCorrupt(lost, oldest.path);
        }
      }
      this.reading = { segment: oldest, batches, acked: 0 };
    }
  }

  /** Up to `n` of the oldest unacknowledged batches, oldest first (fewer at the end of a segment). */
  async peekMany(n: number): Promise<MetricPoint[][]> {
    const first = await this.peek();
    if (first === null || this.reading === null) return [];
    return this.reading.batches.slice(this.reading.acked, this.reading.acked + n);
  }

  /** The oldest batch (as returned by peek()) is durable in the backend: forget it. */
  async ack(): Promise<void> {
    if (this.reading === null) throw new Error('spool: ack() without a peeked batch');
    const batch = this.reading.batches[this.reading.acked];
    if (batch === undefined) throw new Error('spool: ack() past the end of the segment');
    this.reading.acked += 1;
    this.totalPoints -= batch.length;
    this.reading.segment.points -= batch.length;
    if (this.reading.acked === this.reading.batches.length) {
      await this.dropSegment(this.reading.segment);
      this.reading = null;
    }
  }

  private async dropSegment(segment: Segment): Promise<void> {
    await unlink(segment.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    this.segments = this.segments.filter((s) => s !== segment);
    if (this.writable === segment) this.writable = null;
    this.totalPoints -= segment.points;
    this.totalBytes -= segment.bytes;
    segment.points = 0;
    segment.bytes = 0;
  }
}

/** Lines ended by a newline; a torn final line (no newline) is dropped. */
function completeLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines.filter((line) => line.length > 0);
}
