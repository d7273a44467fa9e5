/** The `syslog:` section of `egov-noc collect --config`: checked field by field, paths relative to the file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/commands/collect-files';
import { formatConfigError } from '../../common';

const dir = mkdtempSync(join(tmpdir(), 'egov-collect-syslog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(lines: string[]) {
  const file = join(dir, 'collect.yaml');
  writeFileSync(file, ['inventory: ny.yaml', 'store: m.sqlite', ...lines, ''].join('\n'));
  return { file, loaded: readConfig(file) };
}

describe('collect config: syslog', () => {
  it('resolves the TLS files against the config file', () => {
    const { loaded } = load([
      'syslog:',
      '  port: 5514',
      '  address: 0.0.0.0',
      '  tlsPort: 6514',
      '  tlsCert: pki/syslog.pem',
      '  tlsKey: pki/syslog.key',
      '  tlsCa: pki/chain.pem',
      '  requireClientCert: true',
      '  relays: [10.41.0.50]',
      'logStore: postgres://127.0.0.1:5432/egov_logs',
      'logDeadLetter: state/refused-events.jsonl',
      'logRetentionDays: 365',
    ]);
    expect(loaded).toMatchObject({
      ok: true,
      config: {
        syslog: {
          port: 5514,
          address: '0.0.0.0',
          tlsPort: 6514,
          tlsCert: join(dir, 'pki/syslog.pem'),
          tlsKey: join(dir, 'pki/syslog.key'),
          tlsCa: join(dir, 'pki/chain.pem'),
          requireClientCert: true,
          relays: ['10.41.0.50'],
        },
        logStore: 'postgres://127.0.0.1:5432/egov_logs',
        logDeadLetter: join(dir, 'state/refused-events.jsonl'),
        logRetentionDays: 365,
      },
    });
  });

  it('names the line and field of every bad syslog setting', () => {
    const { file, loaded } = load([
      'syslog:',
      '  port: 99999',
      '  relays: [rsyslog.local]',
      '  colour: blue',
    ]);
    expect(loaded.ok ? [] : loaded.errors.map(formatConfigError)).toEqual([
      `${file}:4 syslog.port: Too big: expected number to be <=65535`,
      `${file}:5 syslog.relays[0]: Invalid IPv4 address`,
      `${file}:4 syslog: Unrecognized key: "colour"`,
    ]);
  });
});
