/**
 * Every state change leaves an audit record (who, what, target, from where), and no password,
 * session id, token, CA passphrase or private key ever shows up in the server log — nor a CA key
 * or password in any response.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AuditResponse, IssueCertificateResponse, SessionResponse } from '../../console/shared';
import {
  addUser,
  CA_PASSPHRASE,
  eventually,
  login,
  PASSWORD,
  startStack,
  takeDown,
  type Stack,
} from '../console/server/support';

let stack: Stack;
const responses: string[] = [];
const secrets: Record<string, string> = {};

async function record(response: Response): Promise<string> {
  const text = await response.text();
  responses.push(text);
  return text;
}

beforeAll(async () => {
  stack = await startStack({ withPki: true, loginRateLimit: { maxAttempts: 50, windowMs: 60_000 } });
  // 三权分立: users (sysadmin), alerts, silences and certificates (secadmin), the audit (auditadmin).
  await addUser(stack, 'admin', 'sysadmin', null);
  await addUser(stack, 'sec', 'secadmin', null);
  await addUser(stack, 'aud', 'auditadmin', null);
});
afterAll(() => stack.stop());

test('each state change appends an audit record; secrets stay out of logs and responses', async () => {
  const url = stack.server.url;
  const admin = await login(url, 'admin');
  const sec = await login(url, 'sec');
  const aud = await login(url, 'aud');
  secrets.adminPassword = PASSWORD;
  secrets.cookie = admin.cookie.split('=')[1] ?? '';
  secrets.caPassphrase = CA_PASSPHRASE;

  // users
  secrets.newUserPassword = 'Xichuan-duty-2026!';
  secrets.changedPassword = 'Xichuan-duty-2027?';
  await record(
    await admin.api('/api/users', {
      method: 'POST',
      body: {
        username: 'xc-duty',
        displayName: '淅川值班',
        role: 'operator',
        scope: 'xichuan-gw',
        password: secrets.newUserPassword,
      },
    }),
  );
  await record(
    await admin.api('/api/users/xc-duty', {
      method: 'PATCH',
      body: { password: secrets.changedPassword, role: 'viewer' },
    }),
  );
  const users = await record(await admin.api('/api/users'));
  expect(users).not.toContain('scrypt$');

  // a failed login, then the user signs in and out
  const failed = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'xc-duty', password: secrets.newUserPassword }),
  });
  expect(failed.status).toBe(401);
  await record(failed);
  const duty = await login(url, 'xc-duty', secrets.changedPassword);
  expect((await duty.api('/api/session', { method: 'DELETE' })).status).toBe(204);

  // alerts
  takeDown(stack, 'xichuan-sw');
  const alert = await eventually(() =>
    stack.engine.list().find((candidate) => candidate.node === 'xichuan-sw'),
  );
  await record(await sec.api(`/api/alerts/${alert.id}/ack`, { method: 'POST', body: { comment: '处理中' } }));
  await record(await sec.api(`/api/alerts/${alert.id}/unack`, { method: 'POST', body: { comment: '交回' } }));

  // silences
  const silenceBody = {
    matchers: [{ label: 'node', value: 'xichuan-mcu' }],
    startsAtMs: Date.now(),
    endsAtMs: Date.now() + 3600_000,
    reason: '视频会议室搬迁',
  };
  const silence = JSON.parse(
    await record(await sec.api('/api/silences', { method: 'POST', body: silenceBody })),
  ) as { id: string };
  await record(
    await sec.api(`/api/silences/${silence.id}`, {
      method: 'PUT',
      body: { ...silenceBody, reason: '延长' },
    }),
  );
  await record(await sec.api(`/api/silences/${silence.id}`, { method: 'DELETE' }));

  // certificates: from a CSR (openssl), and with a generated key in a password-protected PKCS#12
  const dir = mkdtempSync(join(tmpdir(), 'csr-'));
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=xichuan-gw.nanyang.gov.cn',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'csr.pem'),
    ],
    { encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
  const fromCsr = await sec.api('/api/certificates', {
    method: 'POST',
    body: { node: 'xichuan-gw', profile: 'router', csrPem: readFileSync(join(dir, 'csr.pem'), 'utf8') },
  });
  const csrText = await record(fromCsr);
  expect(fromCsr.status, csrText).toBe(201);
  const issuedFromCsr = JSON.parse(csrText) as IssueCertificateResponse;
  expect(issuedFromCsr.keyPem).toBeUndefined();
  secrets.p12Password = 'p12-pass-Xc-2026';
  const generated = await sec.api('/api/certificates', {
    method: 'POST',
    body: {
      node: 'xichuan-sw',
      profile: 'router',
      generate: { keyType: 'ecdsa-p256', p12Password: secrets.p12Password },
    },
  });
  const generatedText = await record(generated);
  expect(generated.status, generatedText).toBe(201);
  const p12 = (JSON.parse(generatedText) as IssueCertificateResponse).p12Base64 ?? '';
  expect(p12.length).toBeGreaterThan(100);
  const keyPemResponse = await sec.api('/api/certificates', {
    method: 'POST',
    body: { node: 'xichuan-mcu', profile: 'vc-endpoint', generate: { keyType: 'ecdsa-p256' } },
  });
  const keyPem = (JSON.parse(await keyPemResponse.text()) as IssueCertificateResponse).keyPem ?? '';
  expect(keyPem).toContain('PRIVATE KEY');
  secrets.nodeKey = keyPem.split('\n').slice(1, -2).join('');
  await record(
    await sec.api(`/api/certificates/${issuedFromCsr.certificate.serial}/revoke`, {
      method: 'POST',
      body: { reason: 'keyCompromise' },
    }),
  );
  const pem = await record(await sec.api(`/api/certificates/${issuedFromCsr.certificate.serial}/pem`));
  expect(pem).toContain('BEGIN CERTIFICATE');
  expect(pem).not.toContain('PRIVATE KEY');

  // tokens
  // The token is shown once, in its creation response (not recorded: it is meant to be there).
  const created = await admin.api('/api/tokens', { method: 'POST', body: { name: 'nightly report' } });
  const token = (await created.json()) as { token: string; record: { id: number } };
  secrets.token = token.token;
  const viaToken = await fetch(`${url}/api/alerts`, { headers: { authorization: `Bearer ${token.token}` } });
  expect(viaToken.status).toBe(200);
  await record(await admin.api(`/api/tokens/${token.record.id}`, { method: 'DELETE' }));
  expect(
    (await fetch(`${url}/api/alerts`, { headers: { authorization: `Bearer ${token.token}` } })).status,
  ).toBe(401);

  await record(await admin.api('/api/users/xc-duty', { method: 'DELETE' }));

  const audit = JSON.parse(await record(await aud.api('/api/audit?limit=500'))) as AuditResponse;
  const actions = audit.records.map((entry) => `${entry.actor} ${entry.action} ${entry.target}`);
  for (const expected of [
    'admin login admin',
    'admin user.create xc-duty',
    'admin user.update xc-duty',
    'xc-duty login.failed xc-duty',
    'xc-duty login xc-duty',
    'xc-duty logout xc-duty',
    `sec alert.ack ${alert.id}`,
    `sec alert.unack ${alert.id}`,
    `sec silence.create ${silence.id}`,
    `sec silence.update ${silence.id}`,
    `sec silence.delete ${silence.id}`,
    `sec certificate.issue ${issuedFromCsr.certificate.serial}`,
    `sec certificate.revoke ${issuedFromCsr.certificate.serial}`,
    'admin token.create admin',
    'admin token.delete admin',
    'admin user.delete xc-duty',
  ])
    expect(actions).toContain(expected);
  for (const entry of audit.records) expect(entry.from).toMatch(/127\.0\.0\.1|::1|local/);

  // Secrets: never in the log; never in a response (the node key only in its one issue response).
  const log = stack.log();
  expect(log).toContain('"path":"/api/certificates"');
  for (const [name, value] of Object.entries(secrets)) {
    expect(value.length, name).toBeGreaterThan(8);
    expect(log.includes(value), `${name} in the log`).toBe(false);
    for (const text of responses) expect(text.includes(value), `${name} in a response`).toBe(false);
  }
  const caKeys = readdirSync(join(stack.dir, 'ca'), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.key') || file.endsWith('key.pem'));
  expect(caKeys.length).toBeGreaterThan(0);
  for (const file of caKeys) {
    const body = readFileSync(join(stack.dir, 'ca', file), 'utf8')
      .split('\n')
      .slice(1, 3)
      .join('');
    for (const text of [log, ...responses]) expect(text.includes(body), `CA key ${file} leaked`).toBe(false);
  }
  for (const text of [log, ...responses]) expect(text).not.toContain('ENCRYPTED PRIVATE KEY');
});

test('repeated failed logins lock the account; the right password is then refused too', async () => {
  await addUser(stack, 'locky', 'viewer', null);
  const attempt = (password: string) =>
    fetch(`${stack.server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'locky', password }),
    });
  for (let i = 0; i < 5; i += 1) expect((await attempt('wrong-password-123')).status).toBe(401);
  const locked = await attempt(PASSWORD);
  expect(locked.status).toBe(429);
  expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('account_locked');
  // An admin unlocks it.
  const admin = await login(stack.server.url, 'admin');
  expect((await admin.api('/api/users/locky', { method: 'PATCH', body: { locked: false } })).status).toBe(
    200,
  );
  const session = (await (await attempt(PASSWORD)).json()) as SessionResponse;
  expect(session.user.username).toBe('locky');
});

test('login attempts are rate limited per username and address', async () => {
  const limited = await startStack({ loginRateLimit: { maxAttempts: 3, windowMs: 60_000 } });
  try {
    const attempt = () =>
      fetch(`${limited.server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: 'whatever-123' }),
      });
    for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(401);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  } finally {
    await limited.stop();
  }
});

test('a 5xx carries a generic message and a correlation id; the cause is only in the log', async () => {
  const broken = await startStack({
    metrics: {
      ...new (class {})(),
      kind: 'embedded',
      query: () => Promise.reject(new Error('influx said: secret-internal-detail')),
    } as never,
  });
  try {
    await addUser(broken, 'op', 'operator', null);
    const op = await login(broken.server.url, 'op');
    const response = await op.api(`/api/metrics?measurement=interface&field=inBps&fromMs=1&toMs=100000`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as {
      error: { code: string; message: string; correlationId: string };
    };
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toContain('secret-internal-detail');
    const log = broken.log();
    expect(log).toContain(body.error.correlationId);
    expect(log).toContain('secret-internal-detail');
  } finally {
    await broken.stop();
  }
});
