/**
 * `egov-noc ca` with a 国密 hierarchy: `ca init --key-type sm2`, issuance from an SM2 CSR openssl
 * made, generated SM2 keys in a PKCS#12, and the mixed-hierarchy refusal, through the real CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, opensslOk } from '../pki/helpers';

const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/zhaoqing.yaml');
const PASSPHRASE = 'cli-test-passphrase-not-secret';
const SM2_ID = 'distid:1234567812345678';

let work: string;
let dir: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { ...process.env, EGOV_CA_PASSPHRASE: PASSPHRASE }, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const file = (name: string) => join(work, name);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'egov-ca-sm2-cli-'));
  dir = file('ca');
  const init = await run(['ca', 'init', '--dir', dir, '--inventory', INVENTORY, '--key-type', 'sm2']);
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('egov-noc ca with --key-type sm2', () => {
  it('lists sm2 among the key types in --help', async () => {
    for (const command of ['init', 'issue', 'renew']) {
      const help = await run(['ca', command, '--help']);
      expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/p384, sm2/);
    }
  });

  it('issues from an SM2 CSR openssl made; openssl verifies each link with the default ID', async () => {
    opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', file('core.key')]);
    opensslOk([
      'req',
      '-new',
      '-key',
      file('core.key'),
      '-sm3',
      '-sigopt',
      SM2_ID,
      '-subj',
      '/CN=zq-ex-core.zhaoqing.gov.cn',
      '-out',
      file('core.csr'),
    ]);
    const issued = await run([
      'ca',
      'issue',
      '--dir',
      dir,
      '--node',
      'zq-ex-core',
      '--profile',
      'router',
      '--csr',
      file('core.csr'),
      '--out',
      file('core.pem'),
    ]);
    expect(issued.stderr).toMatch(/^issued [0-9a-f]{32} to zq-ex-core \(router\) by zhaoqing-branch/);
    const chain = await run(['ca', 'show', '--dir', dir, '--chain']);
    const [branch, root] = chain.stdout.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean);
    writeFileSync(file('branch.pem'), branch!);
    writeFileSync(file('root.pem'), root!);
    const link = (issuer: string, cert: string) =>
      openssl(['verify', '-vfyopt', SM2_ID, '-partial_chain', '-CAfile', file(issuer), file(cert)]).out;
    expect(link('root.pem', 'branch.pem')).toMatch(/branch\.pem: OK/);
    expect(link('branch.pem', 'core.pem')).toMatch(/core\.pem: OK/);
    expect(opensslOk(['x509', '-in', file('core.pem'), '-noout', '-text'])).toMatch(
      /Signature Algorithm: SM2-with-SM3/,
    );
  });

  it('generates an SM2 key into a PKCS#12 by default, and refuses a P-256 key with the reason', async () => {
    writeFileSync(file('p12pass'), 'p12-secret-for-test\n');
    const issued = await run([
      'ca',
      'issue',
      '--dir',
      dir,
      '--node',
      'zq-mcu',
      '--profile',
      'vc-endpoint',
      '--generate',
      '--p12',
      file('mcu.p12'),
      '--p12-password-file',
      file('p12pass'),
    ]);
    expect(issued.code).toBe(0);
    const opened = opensslOk([
      'pkcs12',
      '-in',
      file('mcu.p12'),
      '-passin',
      'pass:p12-secret-for-test',
      '-nodes',
    ]);
    writeFileSync(file('mcu.key'), opened.slice(opened.indexOf('-----BEGIN PRIVATE KEY-----')));
    expect(opensslOk(['pkey', '-in', file('mcu.key'), '-noout', '-text'])).toMatch(/ASN1 OID: SM2/);
    const mixed = await run([
      'ca',
      'issue',
      '--dir',
      dir,
      '--node',
      'zq-mcu',
      '--profile',
      'vc-endpoint',
      '--generate',
      '--key-type',
      'p256',
      '--key-out',
      file('p256.key'),
    ]);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(
      /^egov-noc: this CA is an SM2 \(国密\) hierarchy and issues only to an SM2 key/,
    );
  });
});
