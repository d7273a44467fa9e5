/**
 * egov-noc ca as a runbook uses it: the real CLI (bin/egov-noc.js) against the example Zhaoqing
 * inventory, with openssl making the requests and checking every output.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl, opensslOk } from '../pki/helpers';

const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/zhaoqing.yaml');
const PASSPHRASE = 'cli-test-passphrase-not-secret';

let work: string;
let dir: string;

function ca(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, 'ca', ...args],
      { cwd: work, env: { ...process.env, EGOV_CA_PASSPHRASE: PASSPHRASE, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string): string {
  return join(work, name);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'egov-ca-cli-'));
  dir = file('ca');
  const init = await ca(['init', '--dir', dir, '--inventory', INVENTORY, '--key-type', 'p384']);
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  expect(init.stdout).toMatch(/branch\tzhaoqing-branch\t/);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('egov-noc ca', () => {
  it('issues from an openssl CSR; the chain from ca show --chain verifies it', async () => {
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('core.key'),
      '-subj',
      '/CN=zq-ex-core.zhaoqing.gov.cn',
      '-out',
      file('core.csr'),
    ]);
    const issued = await ca([
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
    expect(issued.code).toBe(0);
    expect(issued.stderr).toMatch(/^issued [0-9a-f]{32} to zq-ex-core \(router\) by zhaoqing-branch/);
    const chain = await ca(['show', '--dir', dir, '--chain']);
    expect(chain.code).toBe(0);
    writeFileSync(file('chain.pem'), chain.stdout);
    const blocks = chain.stdout.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean);
    expect(blocks).toHaveLength(2);
    writeFileSync(file('root.pem'), blocks[1]!);
    expect(opensslOk(['x509', '-in', file('root.pem'), '-noout', '-subject', '-nameopt', 'utf8'])).toMatch(
      /广东省电子政务根CA/,
    );
    expect(
      opensslOk(['verify', '-CAfile', file('root.pem'), '-untrusted', file('chain.pem'), file('core.pem')]),
    ).toMatch(/OK/);
    expect(opensslOk(['x509', '-in', file('core.pem'), '-noout', '-text'])).toMatch(
      /Signature Algorithm: ecdsa-with-SHA384/,
    );
  });

  it('generates a key into a PKCS#12 that openssl pkcs12 opens', async () => {
    writeFileSync(file('p12pass'), 'p12-secret-for-test\n');
    const issued = await ca([
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
    expect(issued.stdout).toBe('');
    const opened = openssl([
      'pkcs12',
      '-in',
      file('mcu.p12'),
      '-passin',
      'pass:p12-secret-for-test',
      '-nodes',
    ]);
    expect(opened.status).toBe(0);
    expect(opened.out).toMatch(/BEGIN PRIVATE KEY/);
    expect(opened.out).toMatch(/subject=.*CN = zq-mcu\.zhaoqing\.gov\.cn/);
  });

  it('refuses bad requests with a one-line reason and a non-zero exit', async () => {
    writeFileSync(file('garbage.csr'), 'this is not a CSR\n');
    const garbage = await ca([
      'issue',
      '--dir',
      dir,
      '--node',
      'zq-ex-core',
      '--profile',
      'router',
      '--csr',
      file('garbage.csr'),
    ]);
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toMatch(/^egov-noc: not a PEM certificate request.*\n$/);

    opensslOk([
      'req',
      '-new',
      '-newkey',
      'rsa:1024',
      '-nodes',
      '-keyout',
      file('weak.key'),
      '-subj',
      '/CN=zq-ex-core.zhaoqing.gov.cn',
      '-out',
      file('weak.csr'),
    ]);
    const weak = await ca([
      'issue',
      '--dir',
      dir,
      '--node',
      'zq-ex-core',
      '--profile',
      'router',
      '--csr',
      file('weak.csr'),
    ]);
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toBe(
      'egov-noc: weak key: RSA-1024; policy requires RSA >= 2048 bits or ECDSA P-256/P-384\n',
    );

    opensslOk([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      file('evil.key'),
      '-subj',
      '/CN=zq-ex-core.zhaoqing.gov.cn',
      '-addext',
      'subjectAltName=DNS:www.gov.cn',
      '-out',
      file('evil.csr'),
    ]);
    const forbidden = await ca([
      'issue',
      '--dir',
      dir,
      '--node',
      'zq-ex-core',
      '--profile',
      'router',
      '--csr',
      file('evil.csr'),
    ]);
    expect(forbidden.code).not.toBe(0);
    expect(forbidden.stderr).toMatch(
      /^egov-noc: forbidden name: DNS name "www\.gov\.cn" does not belong to node "zq-ex-core"/,
    );

    const wrongPass = await ca(['list', '--dir', dir], { EGOV_CA_PASSPHRASE: 'wrong-passphrase-here' });
    expect(wrongPass.code).not.toBe(0);
    expect(wrongPass.stderr).toMatch(/^egov-noc: CA key "root": wrong passphrase/);
    const noPass = await ca(['list', '--dir', dir], { EGOV_CA_PASSPHRASE: '' });
    expect(noPass.stderr).toBe(
      'egov-noc: no CA passphrase: set EGOV_CA_PASSPHRASE or pass --passphrase-file FILE\n',
    );
  });

  it('never issues an OCSP-signer certificate, and does not offer the profile', async () => {
    for (const how of [
      ['--csr', file('evil.csr')],
      ['--generate', '--key-out', file('signer.key')],
    ]) {
      const refused = await ca([
        'issue',
        '--dir',
        dir,
        '--node',
        'zq-ex-core',
        '--profile',
        'ocsp-signer',
        ...how,
      ]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(
        /^egov-noc: profile "ocsp-signer" is not issued on request: delegated OCSP signers are issued and rotated by the CA itself.*\n$/,
      );
    }
    expect(existsSync(file('signer.key'))).toBe(false);
    const help = await ca(['issue', '--help']);
    expect(help.stdout).toMatch(/--profile <profile>\s+router \| server \| vc-endpoint \| operator/);
    expect(help.stdout).not.toMatch(/ocsp-signer/);
  });

  it('revokes, lists and writes the CRL naming the serial', async () => {
    const serial = /issued ([0-9a-f]+)/.exec(
      (
        await ca([
          'issue',
          '--dir',
          dir,
          '--node',
          'zq-dx',
          '--profile',
          'server',
          '--generate',
          '--key-out',
          file('dx.key'),
          '--out',
          file('dx.pem'),
        ])
      ).stderr,
    )![1]!;
    writeFileSync(file('pass'), `${PASSPHRASE}\n`);
    const revoked = await ca(
      [
        'revoke',
        '--dir',
        dir,
        '--serial',
        serial.toUpperCase(),
        '--reason',
        'keyCompromise',
        '--passphrase-file',
        file('pass'),
      ],
      { EGOV_CA_PASSPHRASE: '' },
    );
    expect(revoked.code).toBe(0);
    const again = await ca(['revoke', '--dir', dir, '--serial', serial, '--reason', 'keyCompromise']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already revoked/);
    const badReason = await ca(['revoke', '--dir', dir, '--serial', serial, '--reason', 'bored']);
    expect(badReason.stderr).toMatch(/unknown revocation reason "bored"/);
    const crl = await ca(['crl', '--dir', dir, '--out', file('crl.pem')]);
    expect(crl.code).toBe(0);
    const crlText = opensslOk(['crl', '-in', file('crl.pem'), '-noout', '-text']);
    expect(crlText).toContain(`Serial Number: ${serial.toUpperCase()}`);
    expect(
      opensslOk([
        'verify',
        '-crl_check',
        '-CRLfile',
        file('crl.pem'),
        '-CAfile',
        file('root.pem'),
        '-untrusted',
        file('chain.pem'),
        file('core.pem'),
      ]),
    ).toMatch(/OK/);
    expect(
      openssl([
        'verify',
        '-crl_check',
        '-CRLfile',
        file('crl.pem'),
        '-CAfile',
        file('root.pem'),
        '-untrusted',
        file('chain.pem'),
        file('dx.pem'),
      ]).out,
    ).toMatch(/certificate revoked/);
    const list = await ca(['list', '--dir', dir, '--node', 'zq-dx']);
    expect(list.stdout).toMatch(
      new RegExp(`${serial}\tzhaoqing-branch\tzq-dx\tserver\trevoked\\(keyCompromise\\)`),
    );
  });

  it('renews with the same subject', async () => {
    const list = await ca(['list', '--dir', dir, '--node', 'zq-ex-core', '--json']);
    const record = JSON.parse(list.stdout.trim().split('\n')[0]!) as { serial: string };
    const renewed = await ca(['renew', '--dir', dir, '--serial', record.serial, '--out', file('core2.pem')]);
    expect(renewed.code).toBe(0);
    expect(opensslOk(['x509', '-in', file('core2.pem'), '-noout', '-subject'])).toBe(
      opensslOk(['x509', '-in', file('core.pem'), '-noout', '-subject']),
    );
  });

  it('serves the CRL and OCSP over HTTP', async () => {
    const port = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const child = spawn(process.execPath, [BIN, 'ca', 'serve', '--dir', dir, '--port', String(port)], {
      cwd: work,
      env: { ...process.env, EGOV_CA_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error('ca serve did not start')), 30_000);
        child.stderr.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('CRL and OCSP on')) {
            clearTimeout(timer);
            done();
          }
        });
      });
      // The example inventory names http://127.0.0.1:8080/pki; ca serve mounts at the same path.
      const crl = await fetch(`http://127.0.0.1:${port}/pki/crl/zhaoqing-branch.crl`);
      expect(crl.status).toBe(200);
      writeFileSync(file('served.crl'), Buffer.from(await crl.arrayBuffer()));
      expect(
        opensslOk([
          'crl',
          '-inform',
          'DER',
          '-in',
          file('served.crl'),
          '-noout',
          '-issuer',
          '-nameopt',
          'utf8',
        ]),
      ).toMatch(/肇庆分中心CA/);
      const ocsp = spawn('openssl', [
        'ocsp',
        '-issuer',
        file('chain.pem'),
        '-cert',
        file('dx.pem'),
        '-url',
        `http://127.0.0.1:${port}/pki/ocsp`,
        '-CAfile',
        file('root.pem'),
        '-verify_other',
        file('chain.pem'),
      ]);
      let out = '';
      ocsp.stdout.on('data', (c: Buffer) => (out += c.toString()));
      ocsp.stderr.on('data', (c: Buffer) => (out += c.toString()));
      await new Promise((done) => ocsp.on('close', done));
      expect(out).toMatch(/Response verify OK/);
      expect(out).toMatch(/dx\.pem: revoked/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => child.on('close', done));
    }
  });

  it('audit verify passes, then names the line an edit broke', async () => {
    const ok = await ca(['audit', 'verify', '--dir', dir], { EGOV_CA_PASSPHRASE: '' });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: \d+ entries/);
    const log = join(dir, 'audit.log');
    const lines = readFileSync(log, 'utf8').split('\n');
    const target = lines.findIndex((line) => line.includes('"certificate.revoke"'));
    lines[target] = lines[target]!.replace('keyCompromise', 'superseded');
    writeFileSync(log, lines.join('\n'));
    const broken = await ca(['audit', 'verify', '--dir', dir]);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toBe(
      `egov-noc: audit log broken at line ${target + 1}: hash does not match the entry content (the entry was changed)\n`,
    );
  });
});
