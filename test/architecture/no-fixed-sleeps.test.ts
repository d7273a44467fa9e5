/**
 * Tests wait for conditions, never for time (issue #14 item 7): every test file is scanned for fixed
 * sleeps standing in for a condition (`fixed-sleeps.ts`). A sleep that IS the behaviour under test is
 * allowed here by file and text, with the reason.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFixedSleeps } from './fixed-sleeps';
import { ROOT } from './source-graph';

const ALLOWED: ReadonlyArray<{ file: string; text: string; reason: string }> = [
  {
    file: 'test/integration/metrics-influx.test.ts',
    text: 'await new Promise((resolve) => setTimeout(resolve, 10));',
    reason: 'paces the writer like a collector so influxd dies mid-stream; it waits for nothing',
  },
];

/** The detector and this file quote what they look for. */
const SELF = new Set(['test/architecture/fixed-sleeps.ts', 'test/architecture/no-fixed-sleeps.test.ts']);

function testFiles(dir = join(ROOT, 'test')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    const file = relative(ROOT, path);
    return /\.(?:ts|js)$/.test(name) && !SELF.has(file) ? [file] : [];
  });
}

describe('no fixed sleeps in tests', () => {
  it.each([
    ['await new Promise((r) => setTimeout(r, 100));', 1],
    ['await new Promise((resolve) => setTimeout(() => resolve(), 4500));', 1],
    ["import { setTimeout as sleep } from 'node:timers/promises';", 1],
    ['await sleep(200);', 1],
    ['while (!done() && Date.now() < deadline) await tick();', 1],
    ['expect(Date.now() - sentAt).toBeLessThan(1000);', 1],
    ['expect(elapsedMs).toBeLessThanOrEqual(2000);', 1],
    ['const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);', 0],
    ['await waitUntil("the trap", () => trapped());', 0],
    ['// await new Promise((r) => setTimeout(r, 100));', 0],
  ])('the detector flags %s: %i', (line, count) => {
    expect(findFixedSleeps('x.test.ts', line)).toHaveLength(count);
  });

  it('leaves timers on the fake clock alone', () => {
    const text = 'vi.useFakeTimers();\nawait new Promise((r) => setTimeout(r, 30_000));';
    expect(findFixedSleeps('x.test.ts', text)).toEqual([]);
  });

  it('finds none in test/ beyond the allowed ones, each with its reason', () => {
    const findings = testFiles()
      .flatMap((file) => findFixedSleeps(file, readFileSync(join(ROOT, file), 'utf8')))
      .filter((f) => !ALLOWED.some((a) => a.file === f.file && f.text === a.text));
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}: ${f.text}`)).toEqual([]);
  });

  it('every allowed sleep still exists (no stale exceptions)', () => {
    for (const allowed of ALLOWED) {
      const text = readFileSync(join(ROOT, allowed.file), 'utf8');
      expect(text, `${allowed.file}: ${allowed.reason}`).toContain(allowed.text);
    }
  });
});
