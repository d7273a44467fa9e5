import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/commands/collect-files';
import { sharingSettings } from '../../cli/commands/collect-sharing';
import { formatConfigError } from '../../common';

const dir = mkdtempSync(join(tmpdir(), 'egov-collect-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string[] {
  const file = join(dir, 'collect.yaml');
  writeFileSync(file, text);
  const loaded = readConfig(file);
  return loaded.ok ? [] : loaded.errors.map(formatConfigError);
}

describe('egov-noc collect --config', () => {
  it('names the file, the line and the field of every bad value at once', () => {
    const file = join(dir, 'collect.yaml');
    expect(
      problems(
        [
          'inventory: ny.yaml',
          'store: sqlite:m.sqlite',
          'trapPort: 70000',
          'trapAddress: 0.0.0.0',
          'concurrency: lots',
          'bogus: 1',
        ].join('\n'),
      ),
    ).toEqual([
      `${file}:3 trapPort: Too big: expected number to be <=65535`,
      `${file}:5 concurrency: Invalid input: expected number, received string`,
      `${file}:1 (top level): Unrecognized key: "bogus"`,
    ]);
  });

  it('reports a YAML syntax error with its line, without quoting a community written there', () => {
    const lines = problems('inventory: ny.yaml\nstore: m.sqlite\ntrapCommunities: [secret-ro-community\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => /collect\.yaml:\d+ \(yaml\): /.test(line))).toBe(true);
    expect(lines.join('\n')).not.toContain('secret-ro-community');
  });

  it('resolves paths against the file, and leaves URLs alone', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'inventory: nets/ny.yaml\nstore: influx://127.0.0.1:8086/noc\nmanifest: m.json\n');
    expect(readConfig(file)).toEqual({
      ok: true,
      config: {
        inventory: join(dir, 'nets/ny.yaml'),
        store: 'influx://127.0.0.1:8086/noc',
        manifest: join(dir, 'm.json'),
      },
    });
  });

  it('reads the share: section (collectors dividing one inventory) and names a bad mode with its line', () => {
    const file = join(dir, 'share.yaml');
    writeFileSync(
      file,
      'inventory: ny.yaml\nstore: m.sqlite\nshare:\n  mode: subtree\n  collectorId: city-a\n  leaseTtlS: 5\n',
    );
    expect(readConfig(file)).toMatchObject({
      ok: true,
      config: { share: { mode: 'subtree', collectorId: 'city-a', leaseTtlS: 5 } },
    });
    expect(problems('inventory: ny.yaml\nstore: m.sqlite\nshare:\n  mode: halves\n')).toEqual([
      `${join(dir, 'collect.yaml')}:4 share.mode: Invalid option: expected one of "even"|"subtree"|"zone"`,
    ]);
    expect(
      problems(
        'inventory: ny.yaml\nstore: m.sqlite\nshare:\n  mode: even\n  collectorId: "--"\n  leaseTtlS: 0\n',
      ),
    ).toEqual([
      `${join(dir, 'collect.yaml')}:5 share.collectorId: must contain letters or digits`,
      `${join(dir, 'collect.yaml')}:6 share.leaseTtlS: Too small: expected number to be >0`,
    ]);
  });

  it('takes each sharing setting from its flag when given, else from the share: section', () => {
    const section = { mode: 'subtree', collectorId: 'city-a', leaseTtlS: 5 };
    expect(sharingSettings({}, section)).toEqual({ share: 'subtree', collectorId: 'city-a', leaseTtl: 5 });
    expect(sharingSettings({ share: 'even', leaseTtl: 2 }, section)).toEqual({
      share: 'even',
      collectorId: 'city-a',
      leaseTtl: 2,
    });
    expect(sharingSettings({ collectorId: 'c9' }, { mode: 'zone' })).toEqual({
      share: 'zone',
      collectorId: 'c9',
    });
    expect(sharingSettings({ share: 'even' }, undefined)).toEqual({ share: 'even' });
    expect(sharingSettings({}, undefined)).toEqual({});
  });

  it('reads the example configs/collect.yaml: the Nanyang inventory, shared by subtree', () => {
    expect(readConfig(resolve('configs/collect.yaml'))).toEqual({
      ok: true,
      config: {
        inventory: resolve('configs/examples/nanyang.yaml'),
        store: resolve('.data/metrics.sqlite'),
        manifest: resolve('.data/m.json'),
        trapPort: 1162,
        bus: 'nats://127.0.0.1:4222',
        share: { mode: 'subtree', collectorId: 'nanyang-c1', leaseTtlS: 15 },
      },
    });
  });
});
