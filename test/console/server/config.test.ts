import { describe, expect, it } from 'vitest';
import { parseServeConfig, readServeConfig } from '../../../console/server/config';

const FILE = '/etc/egov/serve.yaml';

describe('egov-noc serve --config', () => {
  it('names the file, the line and the field of every bad value at once', () => {
    const text = [
      'inventory: nets/ny.yaml',
      'port: http',
      'tls:',
      '  certFile: a.pem',
      'pki:',
      '  dir: ca',
      '  passphraseEnv: not-a-name',
      'bogus: 1',
    ].join('\n');
    const parsed = parseServeConfig(text, FILE);
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      `${FILE}:2 port: Invalid input: expected number, received string`,
      `${FILE}:7 pki.passphraseEnv: Invalid string: must match pattern /^[A-Z_][A-Z0-9_]*$/`,
      `${FILE}:4 tls: give both certFile and keyFile, or neither`,
      `${FILE}:1 (top level): Unrecognized key: "bogus"`,
    ]);
  });

  it('reports broken YAML with its line, and an unreadable file as one error', () => {
    const broken = parseServeConfig('inventory: ny.yaml\nallowedHosts: [noc.example\n', FILE);
    expect(broken.ok ? [] : broken.errors).toEqual([
      expect.stringMatching(/^\/etc\/egov\/serve\.yaml:\d+ \(yaml\): /),
    ]);
    const missing = readServeConfig('/nonexistent/serve.yaml');
    expect(missing.ok ? [] : missing.errors).toEqual(['/nonexistent/serve.yaml:0 (file): file not found']);
  });
});
