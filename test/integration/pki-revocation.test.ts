/**
 * Revocation end to end with openssl as the independent client: CRLs fetched by `openssl verify
 * -crl_download` from the URL the certificates name, and `openssl ocsp` against our responder
 * (POST, and GET per RFC 6960 A.1), served by the PKI's Hono app on a loopback port.
 */
import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, generateKey } from '../../pki/index';
import { createPkiHttpApp } from '../../pki/http';
import { makeTestCa, openssl, opensslAsync, opensslOk, writeTemp } from '../pki/helpers';
import type { TestCa } from '../pki/helpers';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

let ca: TestCa;
let server: ServerType;
let base: string;
const files: Record<string, string> = {};

function issue(nodeId: string, name: string): { pem: string; serial: string } {
  const key = generateKey('p256');
  const issued = ca.service.issueFromCsr({
    nodeId,
    profile: 'router',
    csrPem: createCsr({
      key: key.privateKey,
      publicKey: key.publicKey,
      subject: [{ type: 'CN', value: name }],
    }),
    actor: 'pki-admin:li',
  });
  if (!issued.ok) throw new Error(issued.reason);
  return { pem: issued.value.certPem, serial: issued.value.record.serial };
}

let revokedCert: { pem: string; serial: string };
let goodCert: { pem: string; serial: string };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}/pki`;
  ca = makeTestCa({ baseUrl: base, keyType: 'rsa2048' });
  const app = new Hono().route('/pki', createPkiHttpApp(ca.service));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve());
  });
  const chain = ca.service.chainPem('zhaoqing');
  if (!chain.ok) throw new Error(chain.reason);
  const [branchPem] = chain.value.split(/(?<=-----END CERTIFICATE-----\n)/);
  const rootPem = ca.service.chainPem('root');
  if (!rootPem.ok) throw new Error(rootPem.reason);
  files.root = writeTemp(ca.dir, 'root.pem', rootPem.value);
  files.branch = writeTemp(ca.dir, 'branch.pem', branchPem!);
  files.chain = writeTemp(ca.dir, 'chain.pem', chain.value);
  revokedCert = issue('zq-sihui-gw', 'gw.sihui.zhaoqing.gov.cn');
  goodCert = issue('zq-core', 'core.zhaoqing.gov.cn');
  files.revoked = writeTemp(ca.dir, 'revoked.pem', revokedCert.pem);
  files.good = writeTemp(ca.dir, 'good.pem', goodCert.pem);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  ca.cleanup();
});

const verifyWithDownloadedCrl = (leaf: string) =>
  opensslAsync([
    'verify',
    '-crl_check',
    '-crl_download',
    '-CAfile',
    files.root!,
    '-untrusted',
    files.branch!,
    leaf,
  ]);

describe('CRL', () => {
  it('is served at the URL the certificate names, and openssl accepts the certificate before revocation', async () => {
    const text = opensslOk(['x509', '-in', files.revoked!, '-noout', '-ext', 'crlDistributionPoints']);
    expect(text).toContain(`${base}/crl/zhaoqing.crl`);
    const before = await verifyWithDownloadedCrl(files.revoked!);
    expect(before.out).toMatch(/revoked\.pem: OK/);
    expect(before.status).toBe(0);
  });

  it('after revocation openssl verify -crl_check rejects it with the CRL fetched from our URL', async () => {
    const revoked = ca.service.revoke({
      serial: revokedCert.serial,
      reason: 'keyCompromise',
      actor: 'pki-admin:li',
    });
    expect(revoked).toMatchObject({
      ok: true,
      value: { status: 'revoked', revocationReason: 'keyCompromise' },
    });
    const after = await verifyWithDownloadedCrl(files.revoked!);
    expect(after.status).not.toBe(0);
    expect(after.out).toMatch(/certificate revoked/);
    expect((await verifyWithDownloadedCrl(files.good!)).out).toMatch(/good\.pem: OK/);

    const response = await fetch(`${base}/crl/zhaoqing.crl`);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    const crlFile = writeTemp(ca.dir, 'zq.crl', Buffer.from(await response.arrayBuffer()));
    const crlText = opensslOk(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']);
    expect(crlText).toMatch(/X509v3 CRL Number:\s+2/);
    expect(crlText).toMatch(/Next Update: /);
    expect(crlText).toMatch(new RegExp(`Serial Number: ${revokedCert.serial.toUpperCase()}`));
    expect(crlText).toMatch(/Key Compromise/);
    expect(opensslOk(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-CAfile', files.chain!])).toBe('');
    expect(openssl(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-CAfile', files.chain!]).out).toMatch(
      /verify OK/,
    );
  });

  it('the root CRL covers branch certificates (verify -crl_check_all)', async () => {
    // The self-signed root names no CRL of its own; its CRL (for branch certificates) comes from our URL too.
    const rootCrl = writeTemp(
      ca.dir,
      'root.crl',
      Buffer.from(await (await fetch(`${base}/crl/root.crl`)).arrayBuffer()),
    );
    const rootCrlPem = `${rootCrl}.pem`;
    opensslOk(['crl', '-inform', 'DER', '-in', rootCrl, '-out', rootCrlPem]);
    const all = await opensslAsync([
      'verify',
      '-crl_check_all',
      '-crl_download',
      '-CRLfile',
      rootCrlPem,
      '-CAfile',
      files.root!,
      '-untrusted',
      files.branch!,
      files.good!,
    ]);
    expect(all.out).toMatch(/good\.pem: OK/);
  });

  it('answers 404 for an unknown issuer', async () => {
    expect((await fetch(`${base}/crl/nowhere.crl`)).status).toBe(404);
  });
});

describe('OCSP responder', () => {
  it('openssl ocsp (POST) says revoked for the revoked certificate and good for the other', async () => {
    const result = await opensslAsync([
      'ocsp',
      '-issuer',
      files.branch!,
      '-cert',
      files.revoked!,
      '-cert',
      files.good!,
      '-url',
      `${base}/ocsp`,
      '-CAfile',
      files.root!,
      '-verify_other',
      files.branch!,
    ]);
    expect(result.out).toMatch(/Response verify OK/);
    expect(result.out).toMatch(/revoked\.pem: revoked/);
    expect(result.out).toMatch(/Reason: keyCompromise/);
    expect(result.out).toMatch(/good\.pem: good/);
    expect(result.out).not.toMatch(/WARNING/);
  });

  it('answers unknown for a serial this CA never issued', async () => {
    const result = await opensslAsync([
      'ocsp',
      '-issuer',
      files.branch!,
      '-serial',
      '0x1234abcd',
      '-url',
      `${base}/ocsp`,
      '-CAfile',
      files.root!,
      '-verify_other',
      files.branch!,
    ]);
    expect(result.out).toMatch(/Response verify OK/);
    expect(result.out).toMatch(/0x1234abcd: unknown/);
  });

  it('answers GET requests (base64 in the path) with a response openssl verifies', async () => {
    const requestFile = `${ca.dir}/req.der`;
    opensslOk([
      'ocsp',
      '-issuer',
      files.branch!,
      '-cert',
      files.revoked!,
      '-no_nonce',
      '-reqout',
      requestFile,
    ]);
    const der = (await import('node:fs')).readFileSync(requestFile);
    const response = await fetch(`${base}/ocsp/${encodeURIComponent(der.toString('base64'))}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ocsp-response');
    const responseFile = writeTemp(ca.dir, 'resp.der', Buffer.from(await response.arrayBuffer()));
    const result = openssl([
      'ocsp',
      '-respin',
      responseFile,
      '-issuer',
      files.branch!,
      '-cert',
      files.revoked!,
      '-no_nonce',
      '-CAfile',
      files.root!,
      '-verify_other',
      files.branch!,
    ]);
    expect(result.out).toMatch(/Response verify OK/);
    expect(result.out).toMatch(/revoked\.pem: revoked/);
  });

  it('answers malformedRequest to garbage and refuses a wrong content type', async () => {
    const garbage = await fetch(`${base}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: 'garbage',
    });
    expect(Buffer.from(await garbage.arrayBuffer())).toEqual(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
    const wrongType = await fetch(`${base}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);
  });

  it('serves the CA certificates named in authorityInfoAccess', async () => {
    const response = await fetch(`${base}/ca/zhaoqing.crt`);
    const file = writeTemp(ca.dir, 'zq.crt', Buffer.from(await response.arrayBuffer()));
    expect(opensslOk(['x509', '-inform', 'DER', '-in', file, '-noout', '-subject'])).toMatch(
      /Zhaoqing Branch CA/,
    );
  });
});
