/**
 * The zone boundary from the command line: `inventory check` names file:line and both nodes of a
 * cross-zone link; `collect --zone` (and `zone:` in the collect config) refuses a zone that is not one,
 * and one the inventory has no node in, with a one-line reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/egov-noc.js');
const dir = mkdtempSync(join(tmpdir(), 'egov-zone-cli-'));

function run(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('egov-noc inventory check: zone isolation', () => {
  it('refuses Zhaoqing with its gatekeeper bypassed, at the link line, naming both nodes', () => {
    const text = readFileSync('configs/examples/zhaoqing.yaml', 'utf8').replace(
      '  - { a: "gd-prov-gap:inner-eth0", b: "gd-prov-in:GE0/0/23"',
      '  - { a: "gd-prov-ex:GE0/0/21", b: "gd-prov-in:GE0/0/21", capacityMbps: 1000, medium: fiber }\n  - { a: "gd-prov-gap:inner-eth0", b: "gd-prov-in:GE0/0/23"',
    );
    const file = join(dir, 'zhaoqing.yaml');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('gd-prov-ex:GE0/0/21')) + 1;
    const result = run(['inventory', 'check', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `${file}:${line} links[1]: link gd-prov-ex:GE0/0/21 — gd-prov-in:GE0/0/21:`,
    );
    expect(result.stderr).toMatch(/"gd-prov-ex" \(external\) and "gd-prov-in" \(internal\) cross/);
  });
});

describe('egov-noc collect --zone', () => {
  const common = ['collect', '--inventory', 'configs/examples/nanyang.yaml', '--store', join(dir, 'm.db')];

  it('refuses a zone that is not one', () => {
    const result = run([...common, '--zone', 'intranet']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      '--zone must be one of internal, external, public, video, got "intranet"',
    );
  });

  it('refuses a zone the inventory has no node in, before polling anything', () => {
    const result = run([...common, '--zone', 'external']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'collector confined to zone "external", but the inventory has no node in it (zones: internal, video)',
    );
  });

  it('checks zone: in the collect config with file:line', () => {
    const config = join(dir, 'collect.yaml');
    writeFileSync(
      config,
      `inventory: ${resolve('configs/examples/nanyang.yaml')}\nstore: m.db\nzone: intranet\n`,
    );
    const result = run(['collect', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${config}:3 zone: `));
  });
});
