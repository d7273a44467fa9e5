/**
 * Operator certificate sign-in over mutual TLS with Debian's curl: a certificate our CA issued to a
 * person, bound to a console user, opens a session; after revocation the same certificate is
 * refused (the PKI is asked on every sign-in); a certificate from another CA, an unbound one and
 * none at all are refused, each with its reason.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { operatorCaBundle } from '../../console/server';
import { consoleTlsFromCa } from '../../console/server/tls';
import type { SessionResponse } from '../../console/shared';
import type { PkiService } from '../../pki';
import { createPkiHttpApp } from '../../pki/http';
import { addUser, loadNanyang, makeCa, startStack, type Stack } from '../console/server/support';

const HOST = 'ny-dx.nanyang.gov.cn';
// curl runs beside the server in this process: never block the event loop while it waits.
const run = promisify(execFile);
const curl = async (args: string[]) =>
  (await run('curl', ['-s', '--max-time', '20', ...args], { encoding: 'utf8' })).stdout;
let stack: Stack;
let pki: PkiService;
let dir: string;
let port: string;

function issueOperator(commonName: string): { serial: string; certFile: string; keyFile: string } {
  const issued = pki.issueWithGeneratedKey({
    nodeId: 'ny-dx',
    profile: 'operator',
    keyType: 'p256',
    commonName,
    actor: 'test',
  });
  if (!issued.ok) throw new Error(issued.reason);
  const certFile = join(dir, `${issued.value.record.serial}.crt`);
  const keyFile = join(dir, `${issued.value.record.serial}.key`);
  writeFileSync(certFile, issued.value.certPem);
  writeFileSync(keyFile, issued.value.keyPem ?? '');
  return { serial: issued.value.record.serial, certFile, keyFile };
}

/** POST /api/session/certificate with curl; the status, the JSON body and the cookie jar. */
async function curlSignIn(cert?: {
  certFile: string;
  keyFile: string;
}): Promise<{ status: number; body: unknown; jar: string }> {
  const jar = join(dir, `jar-${Math.random().toString(36).slice(2)}`);
  const bodyFile = `${jar}.json`;
  const args = [
    '--cacert',
    join(dir, 'root.pem'),
    '--resolve',
    `${HOST}:${port}:127.0.0.1`,
    ...(cert ? ['--cert', cert.certFile, '--key', cert.keyFile] : []),
    '-c',
    jar,
    '-o',
    bodyFile,
    '-w',
    '%{http_code}',
    '-X',
    'POST',
    `https://${HOST}:${port}/api/session/certificate`,
  ];
  const status = Number(await curl(args));
  return { status, body: JSON.parse(readFileSync(bodyFile, 'utf8')) as unknown, jar };
}

const errorCode = (body: unknown) => (body as { error: { code: string; message: string } }).error;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-mtls-'));
  const topology = loadNanyang();
  pki = makeCa(topology, join(dir, 'ca'));
  const root = pki.chainPem('root');
  if (!root.ok) throw new Error(root.reason);
  writeFileSync(join(dir, 'root.pem'), root.value);
  const material = consoleTlsFromCa(pki, 'ny-dx', join(dir, 'tls-state'));
  if (!material.ok) throw new Error(material.reason);
  stack = await startStack({
    pki,
    pkiHttp: createPkiHttpApp(pki),
    allowedHosts: [HOST],
    tls: { certPem: material.certPem, keyPem: material.keyPem, clientCaPem: operatorCaBundle(pki) },
  });
  port = new URL(stack.server.url).port;
  await addUser(stack, 'zhangwei', 'operator', null);
  const bound = await stack.server.users.update(
    'zhangwei',
    { certificateName: '张伟' },
    { actor: 'test', from: 'local' },
  );
  if (!bound.ok) throw new Error(bound.message);
});
afterAll(async () => {
  await stack.stop();
  pki.close();
});

test('an operator certificate our CA issued signs in its bound user; revoked, it is refused', async () => {
  const cert = issueOperator('张伟');
  const signedIn = await curlSignIn(cert);
  expect(signedIn.status).toBe(200);
  const session = signedIn.body as SessionResponse;
  expect(session.user.username).toBe('zhangwei');
  expect(session.method).toBe('certificate');
  // The cookie curl kept opens the API.
  const check = await curl([
    '--cacert',
    join(dir, 'root.pem'),
    '--resolve',
    `${HOST}:${port}:127.0.0.1`,
    '-b',
    signedIn.jar,
    '-w',
    '%{http_code}',
    '-o',
    '/dev/null',
    `https://${HOST}:${port}/api/session`,
  ]);
  expect(check).toBe('200');

  const revoked = pki.revoke({ serial: cert.serial, reason: 'keyCompromise', actor: 'test' });
  expect(revoked.ok).toBe(true);
  const refused = await curlSignIn(cert);
  expect(refused.status).toBe(401);
  expect(errorCode(refused.body).code).toBe('certificate_revoked');
  expect(errorCode(refused.body).message).toContain('revoked');
});

test('a certificate of another CA, one bound to nobody, and none at all are refused with the reason', async () => {
  const foreignKey = join(dir, 'foreign.key');
  const foreignCert = join(dir, 'foreign.crt');
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    foreignKey,
    '-out',
    foreignCert,
    '-days',
    '30',
    '-subj',
    '/CN=张伟',
  ]);
  expect(made.status).toBe(0);
  const foreign = await curlSignIn({ certFile: foreignCert, keyFile: foreignKey });
  expect(foreign.status).toBe(401);
  expect(errorCode(foreign.body).code).toBe('certificate_untrusted');

  const unbound = await curlSignIn(issueOperator('李四'));
  expect(unbound.status).toBe(401);
  expect(errorCode(unbound.body).code).toBe('certificate_unmapped');

  const none = await curlSignIn();
  expect(none.status).toBe(401);
  expect(errorCode(none.body).code).toBe('no_certificate');
});

test('password sign-in still works on the same HTTPS port (the certificate is asked, not required)', async () => {
  const status = await curl([
    '--cacert',
    join(dir, 'root.pem'),
    '--resolve',
    `${HOST}:${port}:127.0.0.1`,
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-H',
    'content-type: application/json',
    '-d',
    JSON.stringify({ username: 'zhangwei', password: 'correct-horse-battery-9' }),
    `https://${HOST}:${port}/api/session`,
  ]);
  expect(status).toBe('200');
});
