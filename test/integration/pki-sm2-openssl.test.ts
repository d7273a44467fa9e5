/**
 * A 国密 hierarchy end to end with Debian's openssl as the independent party: openssl makes the SM2
 * key and its CSR (SM2-with-SM3, default ID), egov-noc issues from it under an SM2 root → branch,
 * openssl verifies every link of the chain, the CRL after a revocation and the SM2-signed OCSP
 * answers (revoked / good / unknown). Forged and ECDSA-style SM2 requests are refused with a reason.
 *
 * Every signature carries the GM/T 0009 default ID 1234567812345678. OpenSSL 3.0 applies an ID
 * (`-vfyopt distid:`) only to the certificate it is asked about and verifies issuers, CRLs and OCSP
 * responses with an empty ID (openssl/openssl#23471), so a whole-chain `openssl verify` of a
 * conformant 国密 chain fails at depth 1. openssl checks each link here as the certificate asked
 * about (`-partial_chain`), and the CRL and OCSP signatures with `pkeyutl -pkeyopt distid:`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sign as nodeSign } from 'node:crypto';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitString, children, fromPemAll, readWhole, sequence, toPem } from '../../pki/der';
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

/** openssl makes an SM2 key and a CSR signed SM2-with-SM3 with the default distinguishing ID. */
function opensslSm2Csr(name: string, commonName: string): { keyFile: string; csrPem: string } {
  const keyFile = writeTemp(ca.dir, `${name}.key`, '');
  opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', keyFile]);
  const csrFile = `${keyFile}.csr`;
  opensslOk([
    'req',
    '-new',
    '-key',
    keyFile,
    '-sm3',
    '-sigopt',
    'distid:1234567812345678',
    '-subj',
    `/CN=${commonName}`,
    '-out',
    csrFile,
  ]);
  return { keyFile, csrPem: opensslOk(['req', '-in', csrFile]) };
}

function issueFromOpenssl(nodeId: string, commonName: string): { file: string; serial: string } {
  const { csrPem } = opensslSm2Csr(nodeId, commonName);
  const issued = ca.service.issueFromCsr({ nodeId, profile: 'router', csrPem, actor: 'pki-admin:li' });
  if (!issued.ok) throw new Error(issued.reason);
  return {
    file: writeTemp(ca.dir, `${nodeId}.pem`, issued.value.certPem),
    serial: issued.value.record.serial,
  };
}

/** openssl checks an SM2 signature (certificate, CRL, OCSP response) with the default ID. */
function opensslVerifiesSignature(signed: Buffer, signerCertFile: string, name: string): boolean {
  const [tbs, , signature] = children(readWhole(signed));
  const tbsFile = writeTemp(ca.dir, `${name}.tbs`, tbs!.raw);
  const sigFile = writeTemp(ca.dir, `${name}.sig`, signature!.content.subarray(1));
  const pubFile = writeTemp(
    ca.dir,
    `${name}.pub`,
    opensslOk(['x509', '-in', signerCertFile, '-pubkey', '-noout']),
  );
  return /Signature Verified Successfully/.test(
    openssl([
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      pubFile,
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      'distid:1234567812345678',
      '-in',
      tbsFile,
      '-sigfile',
      sigFile,
    ]).out,
  );
}

/** openssl verify with the certificate's issuer as the anchor: the signature (with the ID), validity, constraints. */
const verifyLink = (issuerFile: string, certFile: string) =>
  opensslAsync([
    'verify',
    '-vfyopt',
    'distid:1234567812345678',
    '-partial_chain',
    '-CAfile',
    issuerFile,
    certFile,
  ]);

let revoked: { file: string; serial: string };
let good: { file: string; serial: string };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}/pki`;
  ca = makeTestCa({ baseUrl: base, keyType: 'sm2' });
  const app = new Hono().route('/pki', createPkiHttpApp(ca.service));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve());
  });
  const chain = ca.service.chainPem('zhaoqing');
  const root = ca.service.chainPem('root');
  if (!chain.ok || !root.ok) throw new Error('no chain');
  files.root = writeTemp(ca.dir, 'root.pem', root.value);
  files.branch = writeTemp(ca.dir, 'branch.pem', chain.value.split(/(?<=-----END CERTIFICATE-----\n)/)[0]!);
  revoked = issueFromOpenssl('zq-sihui-gw', 'gw.sihui.zhaoqing.gov.cn');
  good = issueFromOpenssl('zq-core', 'core.zhaoqing.gov.cn');
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  ca.cleanup();
});

describe('SM2 chain root → branch → node', () => {
  it('is SM2-with-SM3 throughout, and openssl verifies every link with the default ID', async () => {
    for (const file of [files.root!, files.branch!, good.file]) {
      const text = opensslOk(['x509', '-in', file, '-noout', '-text']);
      expect(text).toMatch(/Signature Algorithm: SM2-with-SM3/);
      expect(text).toMatch(/ASN1 OID: SM2/);
    }
    const rootDer = fromPemAll(opensslOk(['x509', '-in', files.root!]), 'CERTIFICATE')[0]!;
    expect(opensslVerifiesSignature(rootDer, files.root!, 'root-self')).toBe(true);
    const branchLink = await verifyLink(files.root!, files.branch!);
    expect(branchLink.out).toMatch(/branch\.pem: OK/);
    const nodeLink = await verifyLink(files.branch!, good.file);
    expect(nodeLink.out).toMatch(/zq-core\.pem: OK/);
    expect(nodeLink.status).toBe(0);
  });

  it('openssl refuses a node certificate whose signature was altered, or checked with another ID', async () => {
    const der = fromPemAll(opensslOk(['x509', '-in', good.file]), 'CERTIFICATE')[0]!;
    const [tbs, algorithm, signature] = children(readWhole(der));
    const bits = Buffer.from(signature!.content);
    bits.writeUInt8(bits.readUInt8(bits.length - 1) ^ 0x01, bits.length - 1);
    const forged = sequence(tbs!.raw, algorithm!.raw, bitString(bits.subarray(1)));
    const file = writeTemp(ca.dir, 'forged.pem', toPem('CERTIFICATE', forged));
    const result = await verifyLink(files.branch!, file);
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/signature failure/);
    const otherId = await opensslAsync([
      'verify',
      '-vfyopt',
      'distid:ALICE123@YAHOO.COM',
      '-partial_chain',
      '-CAfile',
      files.branch!,
      good.file,
    ]);
    expect(otherId.status).not.toBe(0);
  });
});

describe('SM2 CRL and OCSP', () => {
  it('after a revocation the SM2-signed CRL lists the certificate, and openssl verifies its signature', async () => {
    const fetchCrl = async () => Buffer.from(await (await fetch(`${base}/crl/zhaoqing.crl`)).arrayBuffer());
    const before = await fetchCrl();
    expect(
      opensslOk(['crl', '-inform', 'DER', '-in', writeTemp(ca.dir, 'before.crl', before), '-noout', '-text']),
    ).not.toMatch(new RegExp(revoked.serial.toUpperCase()));
    expect(
      ca.service.revoke({ serial: revoked.serial, reason: 'keyCompromise', actor: 'pki-admin:li' }).ok,
    ).toBe(true);
    const crl = await fetchCrl();
    const crlText = opensslOk([
      'crl',
      '-inform',
      'DER',
      '-in',
      writeTemp(ca.dir, 'zq.crl', crl),
      '-noout',
      '-text',
    ]);
    expect(crlText).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(crlText).toMatch(new RegExp(`Serial Number: ${revoked.serial.toUpperCase()}`));
    expect(crlText).toMatch(/Key Compromise/);
    expect(opensslVerifiesSignature(crl, files.branch!, 'crl')).toBe(true);
    const tampered = Buffer.from(crl);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0x01, tampered.length - 1);
    expect(opensslVerifiesSignature(tampered, files.branch!, 'crl-tampered')).toBe(false);
  });

  it('openssl ocsp reads the SM2-signed answers (revoked, good, unknown); the signer chain and signature verify', async () => {
    const responseFile = join(ca.dir, 'ocsp.der');
    const result = await opensslAsync([
      'ocsp',
      '-issuer',
      files.branch!,
      '-cert',
      revoked.file,
      '-cert',
      good.file,
      '-serial',
      '0x1234abcd',
      '-url',
      `${base}/ocsp`,
      '-noverify',
      '-respout',
      responseFile,
      '-resp_text',
    ]);
    expect(result.out).toMatch(/zq-sihui-gw\.pem: revoked/);
    expect(result.out).toMatch(/Reason: keyCompromise/);
    expect(result.out).toMatch(/zq-core\.pem: good/);
    expect(result.out).toMatch(/0x1234abcd: unknown/);
    expect(result.out).toMatch(/Signature Algorithm: SM2-with-SM3/);
    // BasicOCSPResponse inside OCSPResponse { status, [0] { type, OCTET STRING } }; its first certificate is the signer's.
    const [, bytes] = children(readWhole(readFileSync(responseFile)));
    const [, octets] = children(children(bytes!)[0]!);
    const basic = octets!.content;
    const signerDer = children(children(children(readWhole(basic))[3]!)[0]!)[0]!.raw;
    const signerFile = writeTemp(ca.dir, 'ocsp-signer.pem', toPem('CERTIFICATE', signerDer));
    expect(opensslOk(['x509', '-in', signerFile, '-noout', '-ext', 'extendedKeyUsage'])).toMatch(
      /OCSP Signing/,
    );
    expect((await verifyLink(files.branch!, signerFile)).out).toMatch(/ocsp-signer\.pem: OK/);
    expect(opensslVerifiesSignature(basic, signerFile, 'ocsp')).toBe(true);
  });
});

describe('refused SM2 requests', () => {
  it('a CSR with ECDSA-on-the-SM2-curve signature, labelled ecdsa-with-SHA256 or SM2-with-SM3', () => {
    const key = generateKey('sm2');
    const csr = fromPemAll(
      createCsr({
        key: key.privateKey,
        publicKey: key.publicKey,
        subject: [{ type: 'CN', value: 'core.zhaoqing.gov.cn' }],
      }),
      'CERTIFICATE REQUEST',
    )[0]!;
    const [info, algorithm] = children(readWhole(csr));
    const ecdsaLabel = sequence(Buffer.from('06082a8648ce3d040302', 'hex'));
    const ecdsaStyle = nodeSign('sha256', info!.raw, key.privateKey);
    const asEcdsa = sequence(info!.raw, ecdsaLabel, bitString(ecdsaStyle));
    expect(
      ca.service.issueFromCsr({ nodeId: 'zq-core', profile: 'router', csrPem: asEcdsa, actor: 't' }),
    ).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /SM2 key's CSR must be signed SM2-with-SM3.*ECDSA on the SM2 curve is not an SM2 signature/,
      ) as unknown,
    });
    const asSm2 = sequence(info!.raw, algorithm!.raw, bitString(nodeSign('sm3', info!.raw, key.privateKey)));
    expect(
      ca.service.issueFromCsr({ nodeId: 'zq-core', profile: 'router', csrPem: asSm2, actor: 't' }),
    ).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not verify as SM2-with-SM3/) as unknown,
    });
  });

  it('an RSA or ECDSA key under the SM2 CA (mixed hierarchy)', () => {
    const key = generateKey('p256');
    const csrPem = createCsr({ key: key.privateKey, publicKey: key.publicKey, subject: [] });
    expect(ca.service.issueFromCsr({ nodeId: 'zq-core', profile: 'router', csrPem, actor: 't' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/SM2 \(国密\) hierarchy and issues only to an SM2 key/) as unknown,
    });
  });
});

describe('SM2 keys generated by the CA', () => {
  it('come back as an SM2 PKCS#12 that openssl opens, and as PEM', async () => {
    const p12 = ca.service.issueWithGeneratedKey({
      nodeId: 'zq-sihui-mcu',
      profile: 'vc-endpoint',
      p12Password: 'p12-password-1',
      actor: 't',
    });
    if (!p12.ok) throw new Error(p12.reason);
    expect(p12.value.record.keyType).toBe('sm2');
    const file = writeTemp(ca.dir, 'mcu.p12', p12.value.p12!);
    const out = opensslOk(['pkcs12', '-in', file, '-passin', 'pass:p12-password-1', '-nodes']);
    const keyFile = writeTemp(ca.dir, 'mcu.key', out.slice(out.indexOf('-----BEGIN PRIVATE KEY-----')));
    expect(opensslOk(['pkey', '-in', keyFile, '-noout', '-text'])).toMatch(/ASN1 OID: SM2/);
    const leaf = writeTemp(ca.dir, 'mcu.pem', p12.value.certPem);
    expect((await verifyLink(files.branch!, leaf)).out).toMatch(/mcu\.pem: OK/);
    const pem = ca.service.issueWithGeneratedKey({ nodeId: 'zq-sihui-mcu', profile: 'router', actor: 't' });
    if (!pem.ok) throw new Error(pem.reason);
    expect(
      opensslOk(['pkey', '-in', writeTemp(ca.dir, 'k.pem', pem.value.keyPem!), '-noout', '-text']),
    ).toMatch(/ASN1 OID: SM2/);
  });
});
