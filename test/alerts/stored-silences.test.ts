import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertStore } from '../../alerts/store';
import type { Silence } from '../../domain';
import { harness, ifState, T0, XICHUAN_UPLINK, type Harness } from './support';

/**
 * Silences saved by an older version (which compiled patterns with JavaScript's backtracking engine)
 * are in SQLite before the engine starts: none of them may hang or crash the start, a pattern this
 * version refuses matches nothing and says why, and a pattern that was catastrophic for the old
 * engine runs in linear time.
 */

let h: Harness | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await h?.cleanup();
  h = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function silence(id: string, matchers: Silence['matchers']): Silence {
  return {
    id,
    matchers,
    startsAtMs: T0 - 60_000,
    endsAtMs: T0 + 86_400_000,
    createdBy: 'old.version',
    createdAtMs: T0 - 60_000,
    reason: 'saved before patterns ran on RE2',
  };
}

const STORED = [
  // Valid JavaScript, refused by RE2 (backreference): under the old engine it silenced every xichuan-* node.
  silence('backreference', [{ label: 'node', value: 'xichuan-.*|(x)\\1', regex: true }]),
  // Catastrophic backtracking (3^n steps) on a label value without a "z": every link id.
  silence('catastrophic', [{ label: 'link', value: '([^z]|[^y]|.)*z', regex: true }]),
  silence('too-long', [{ label: 'node', value: `xichuan-.*|${'x'.repeat(300)}`, regex: true }]),
  silence('fine', [{ label: 'path', value: '.*淅川县.*', regex: true }]),
];

describe('silences stored before start', () => {
  it('load without hanging; refused patterns match nothing and say why, in the list and the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-silences-'));
    dirs.push(dir);
    const dbPath = join(dir, 'alerts.db');
    const store = new AlertStore(dbPath);
    for (const stored of STORED) store.saveSilence(stored);
    store.close();

    h = await harness({ dbPath });
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    const root = h.engine.list().find((alert) => alert.rule === 'uplink-down');
    expect(root?.silencedBy).toEqual(['fine']);

    const listed = new Map(h.engine.silences.list().map((s) => [s.id, s.invalid]));
    expect(listed.get('backreference')).toMatch(/^matchers\[0\]\.value: invalid regular expression \(RE2/);
    expect(listed.get('too-long')).toMatch(/at most 256/);
    expect(listed.get('catastrophic')).toBeUndefined();
    expect(listed.get('fine')).toBeUndefined();
    const warned = h.log.lines.filter((line) => line.level === 'warn').map((line) => line.obj);
    expect(warned).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ silence: 'backreference' }),
        expect.objectContaining({ silence: 'too-long' }),
      ]),
    );
    expect(warned).not.toContainEqual(expect.objectContaining({ silence: 'fine' }));
  });

  it('a refused stored silence can be fixed through update, and then mutes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-silences-'));
    dirs.push(dir);
    const dbPath = join(dir, 'alerts.db');
    const store = new AlertStore(dbPath);
    store.saveSilence(STORED[0] as Silence);
    store.close();

    h = await harness({ dbPath });
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    const root = h.engine.list().find((alert) => alert.rule === 'uplink-down');
    expect(root?.silencedBy).toEqual([]);
    const fixed = h.engine.silences.update(
      'backreference',
      { ...(STORED[0] as Silence), matchers: [{ label: 'node', value: 'xichuan-.*', regex: true }] },
      'li.na',
    );
    expect(fixed.ok).toBe(true);
    expect(h.engine.silences.list()[0]?.invalid).toBeUndefined();
    expect(h.engine.get(root?.id ?? '')?.silencedBy).toEqual(['backreference']);
  });
});
