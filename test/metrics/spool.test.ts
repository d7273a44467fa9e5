import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../../metrics/influx/spool';
import type { MetricPoint } from '../../domain';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'egov-spool-test-'));
  dirs.push(dir);
  return dir;
}

const batch = (from: number, n: number): MetricPoint[] =>
  Array.from({ length: n }, (_, i) => ({
    measurement: 'node',
    tags: { node: `n${from + i}`, zone: '政务内网' },
    fields: { cpuPct: from + i },
    timeMs: 1_700_000_000_000 + from + i,
  }));

const limits = { maxPoints: 1000, maxBytes: 10_000_000, segmentBytes: 1024 };

async function drain(spool: Spool): Promise<MetricPoint[][]> {
  const out: MetricPoint[][] = [];
  for (;;) {
    const next = await spool.peek();
    if (next === null) return out;
    out.push(next);
    await spool.ack();
  }
}

describe('outage spool', () => {
  it('gives batches back in the order they were appended, across segments, and deletes them', async () => {
    const dir = tempDir();
    const spool = new Spool(dir, limits, () => {});
    await spool.open();
    for (let b = 0; b < 10; b++) expect(await spool.append(batch(b * 10, 10))).toBe(true);
    expect(spool.points).toBe(100);
    expect(readdirSync(dir).length).toBeGreaterThan(1);
    const batches = await drain(spool);
    expect(batches.map((b) => b[0]?.fields.cpuPct)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(batches[3]).toEqual(batch(30, 10));
    expect(spool.points).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps appending while a segment is being replayed, without losing either', async () => {
    const spool = new Spool(tempDir(), limits, () => {});
    await spool.open();
    await spool.append(batch(0, 5));
    await spool.append(batch(5, 5));
    expect((await spool.peek())?.[0]?.fields.cpuPct).toBe(0);
    await spool.append(batch(10, 5));
    await spool.ack();
    const rest = await drain(spool);
    expect(rest.map((b) => b[0]?.fields.cpuPct)).toEqual([5, 10]);
  });

  it('peeks several batches at once, within a segment, oldest first', async () => {
    const spool = new Spool(tempDir(), { ...limits, segmentBytes: 100_000 }, () => {});
    await spool.open();
    for (let b = 0; b < 5; b++) await spool.append(batch(b * 10, 10));
    expect((await spool.peekMany(3)).map((b) => b[0]?.fields.cpuPct)).toEqual([0, 10, 20]);
    await spool.ack();
    await spool.ack();
    expect((await spool.peekMany(3)).map((b) => b[0]?.fields.cpuPct)).toEqual([20, 30, 40]);
    for (let i = 0; i < 3; i++) await spool.ack();
    expect(await spool.peekMany(3)).toEqual([]);
    expect(spool.points).toBe(0);
  });

  it('refuses a batch beyond the point or byte limit and stores nothing of it', async () => {
    const spool = new Spool(tempDir(), { ...limits, maxPoints: 25 }, () => {});
    await spool.open();
    expect(await spool.append(batch(0, 10))).toBe(true);
    expect(await spool.append(batch(10, 10))).toBe(true);
    expect(await spool.append(batch(20, 10))).toBe(false);
    expect(spool.points).toBe(20);
    const bytes = new Spool(tempDir(), { ...limits, maxBytes: 500 }, () => {});
    await bytes.open();
    expect(await bytes.append(batch(0, 1))).toBe(true);
    expect(await bytes.append(batch(0, 20))).toBe(false);
  });

  it('keeps its folder 0700 and its segments 0600, also those an earlier version left wider', async () => {
    const dir = join(tempDir(), 'spool');
    const first = new Spool(dir, limits, () => {});
    await first.open();
    await first.append(batch(0, 3));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);

    const old = join(dir, `seg-${'9'.padStart(16, '0')}.ndjson`);
    writeFileSync(old, `1\t${JSON.stringify([['node', { node: 'x' }, { cpuPct: 1 }, 1]])}\n`, {
      mode: 0o644,
    });
    chmodSync(dir, 0o755);
    await new Spool(dir, limits, () => {}).open();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(old).mode & 0o777).toBe(0o600);
  });

  it('counts what an earlier process left, ignores a torn last line, and replays the rest first', async () => {
    const dir = tempDir();
    const first = new Spool(dir, limits, () => {});
    await first.open();
    await first.append(batch(0, 3));
    await first.append(batch(3, 3));
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment ?? ''), '7\t[["node",{"node":"x"'); // crash mid-append

    const corrupt: number[] = [];
    const second = new Spool(dir, limits, (points) => corrupt.push(points));
    await second.open();
    expect(second.points).toBe(6);
    await second.append(batch(100, 2));
    const batches = await drain(second);
    expect(batches.map((b) => b.length)).toEqual([3, 3, 2]);
    expect(batches[2]?.[0]?.fields.cpuPct).toBe(100);
    expect(corrupt).toEqual([]);
  });

  it('reports a damaged line through the callback instead of failing the replay', async () => {
    const dir = tempDir();
    const spool = new Spool(dir, limits, () => {});
    await spool.open();
    await spool.append(batch(0, 2));
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment ?? ''), '4\tnot json\n');
    const lost: number[] = [];
    const reopened = new Spool(dir, limits, (points) => lost.push(points));
    await reopened.open();
    expect(reopened.points).toBe(6);
    const batches = await drain(reopened);
    expect(batches.map((b) => b.length)).toEqual([2]);
    expect(lost).toEqual([4]);
    expect(reopened.points).toBe(0);
  });
});
