/**
 * TOTP second factor over the API, with codes computed by Debian's oathtool (RFC 6238): enrolment
 * confirmed by a first code, sign-in asks for a code, a used code is refused within its window,
 * a wrong one is refused, recovery codes work once, an administrator resets, and the security
 * policy makes it mandatory for administrator roles (their sessions can do nothing else first).
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionResponse, TotpEnrolmentResponse } from '../../console/shared';
import {
  addUser,
  login,
  PASSWORD,
  startStack,
  StreamClient,
  type Client,
  type Stack,
} from '../console/server/support';

let stack: Stack;

const oathtool = (secret: string) =>
  execFileSync('oathtool', ['--totp', '-b', secret], { encoding: 'utf8' }).trim();

function signIn(username: string, totpCode?: string): Promise<Response> {
  return fetch(`${stack.server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, ...(totpCode === undefined ? {} : { totpCode }) }),
  });
}
const codeOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

/** Waits (for the next 30-second step) until oathtool shows a code other than `used`. */
async function nextCode(secret: string, used: string): Promise<string> {
  await expect.poll(() => oathtool(secret), { timeout: 35_000, interval: 500 }).not.toBe(used);
  return oathtool(secret);
}

async function enrol(client: Client): Promise<{ secret: string; code: string; recoveryCodes: string[] }> {
  const started = await client.api('/api/session/totp', { method: 'POST', body: {} });
  expect(started.status).toBe(200);
  const enrolment = (await started.json()) as TotpEnrolmentResponse;
  expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/egov-noc:.*secret=/);
  expect(enrolment.qrSvg).toContain('<svg');
  const code = oathtool(enrolment.secret);
  const confirmed = await client.api('/api/session/totp/confirm', { method: 'POST', body: { code } });
  expect(confirmed.status).toBe(200);
  const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
  return { secret: enrolment.secret, code, recoveryCodes };
}

beforeAll(async () => {
  stack = await startStack({ loginRateLimit: { maxAttempts: 100, windowMs: 60_000 } });
  await addUser(stack, 'duty', 'operator', null);
  await addUser(stack, 'admin', 'sysadmin', null);
  await addUser(stack, 'sec', 'secadmin', null);
  await addUser(stack, 'aud', 'auditadmin', null);
});
afterAll(() => stack.stop());

describe('TOTP', () => {
  test('enrol, then sign in with an oathtool code; wrong and replayed codes are refused', async () => {
    const duty = await login(stack.server.url, 'duty');
    const wrongFirst = await duty.api('/api/session/totp', { method: 'POST', body: {} });
    const pending = (await wrongFirst.json()) as TotpEnrolmentResponse;
    const refused = await duty.api('/api/session/totp/confirm', {
      method: 'POST',
      body: { code: oathtool(pending.secret) === '123456' ? '654321' : '123456' },
    });
    expect(refused.status).toBe(422);
    const { secret, code: enrolCode, recoveryCodes } = await enrol(duty);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const withoutCode = await signIn('duty');
    expect(withoutCode.status).toBe(401);
    expect(await codeOf(withoutCode)).toBe('totp_required');
    // The enrolment's own code is spent already.
    expect(await codeOf(await signIn('duty', enrolCode))).toBe('totp_replayed');

    const code = await nextCode(secret, enrolCode);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await codeOf(await signIn('duty', wrong))).toBe('totp_invalid');
    const signedIn = await signIn('duty', code);
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as SessionResponse).method).toBe('password+totp');
    const replayed = await signIn('duty', code);
    expect(replayed.status).toBe(401);
    expect(await codeOf(replayed)).toBe('totp_replayed');

    // A recovery code signs in once.
    const recovery = recoveryCodes[0] as string;
    expect((await signIn('duty', recovery)).status).toBe(200);
    expect(await codeOf(await signIn('duty', recovery))).toBe('totp_invalid');

    // Recovery codes are kept only as hashes, the seed only sealed (SM4 + HMAC-SM3): neither the
    // database nor its WAL holds one; the key sits in its own 0600 file.
    for (const file of ['console.sqlite', 'console.sqlite-wal']) {
      const path = join(stack.dir, file);
      if (!existsSync(path)) continue;
      for (const unused of recoveryCodes.slice(1)) expect(readFileSync(path).includes(unused)).toBe(false);
      expect(readFileSync(path).includes(secret)).toBe(false);
    }
    expect(statSync(join(stack.dir, 'secret.key')).mode & 0o777).toBe(0o600);
  }, 60_000);

  test('a system administrator resets a second factor; the user signs in with the password again', async () => {
    await addUser(stack, 'lost-phone', 'viewer', null);
    const user = await login(stack.server.url, 'lost-phone');
    await enrol(user);
    expect(await codeOf(await signIn('lost-phone'))).toBe('totp_required');
    const admin = await login(stack.server.url, 'admin');
    const reset = await admin.api('/api/users/lost-phone', { method: 'PATCH', body: { totp: false } });
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as { totpEnabled: boolean }).totpEnabled).toBe(false);
    expect((await signIn('lost-phone')).status).toBe(200);
  });

  test('a user replaces their authenticator with the password and a recovery code; the old one works until the new one is confirmed', async () => {
    await addUser(stack, 'new-phone', 'viewer', null);
    const user = await login(stack.server.url, 'new-phone');
    const old = await enrol(user);
    const begin = (body: Record<string, string>) => user.api('/api/session/totp', { method: 'POST', body });

    const bare = await begin({});
    expect(bare.status).toBe(409);
    expect(await codeOf(bare)).toBe('totp_enabled');
    const wrongPassword = await begin({
      password: 'not-the-password',
      totpCode: old.recoveryCodes[0] as string,
    });
    expect(wrongPassword.status).toBe(403);
    expect(await codeOf(wrongPassword)).toBe('wrong_password');
    const wrongCode = await begin({ password: PASSWORD, totpCode: 'AAAAA-BBBBB' });
    expect(wrongCode.status).toBe(403);
    expect(await codeOf(wrongCode)).toBe('totp_invalid');

    const started = await begin({ password: PASSWORD, totpCode: old.recoveryCodes[0] as string });
    expect(started.status).toBe(200);
    const next = (await started.json()) as TotpEnrolmentResponse;
    expect(next.secret).not.toBe(old.secret);
    // Not confirmed yet: the old authenticator's recovery codes still sign in.
    expect((await signIn('new-phone', old.recoveryCodes[1])).status).toBe(200);

    const confirmed = await user.api('/api/session/totp/confirm', {
      method: 'POST',
      body: { code: oathtool(next.secret) },
    });
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
    expect(await codeOf(await signIn('new-phone', old.recoveryCodes[2]))).toBe('totp_invalid');
    expect((await signIn('new-phone', oathtool(old.secret))).status).toBe(401);
    expect((await signIn('new-phone', recoveryCodes[0])).status).toBe(200);

    const auditor = await login(stack.server.url, 'aud');
    const audit = await (await auditor.api('/api/audit?q=new-phone')).text();
    expect(audit).toContain('totp.replace.start');
    expect(audit).toContain('totp.replace.failed');
  });

  test('mandatory for administrators: until enrolled, their session can only enrol or sign out', async () => {
    const sec = await login(stack.server.url, 'sec');
    const policy = await sec.api('/api/policy/security', { method: 'PUT', body: { totpRequired: true } });
    expect(policy.status).toBe(200);
    {
      const auditor = await login(stack.server.url, 'aud');
      expect(auditor.session.restriction).toBe('totp-enrolment');
      const blocked = await auditor.api('/api/audit');
      expect(blocked.status).toBe(403);
      expect(await codeOf(blocked)).toBe('totp_enrolment_required');
      // Nor does the live stream open for it.
      await expect(StreamClient.open(stack.server.url, auditor.cookie)).rejects.toThrow(/403/);
      // Operators are not concerned.
      await addUser(stack, 'plain-op', 'operator', null);
      expect((await login(stack.server.url, 'plain-op')).session.restriction).toBeNull();
      await enrol(auditor);
      const after = (await (await auditor.api('/api/session')).json()) as SessionResponse;
      expect(after.restriction).toBeNull();
      expect((await auditor.api('/api/audit')).status).toBe(200);
      // The security administrator falls under its own policy too.
      expect(await codeOf(await sec.api('/api/silences'))).toBe('totp_enrolment_required');
    }
  });
});

describe('TOTP seeds at rest', () => {
  test('sealed under a key kept elsewhere; the console refuses to start without it, and seals seeds stored plain', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'egov-key-'));
    const secretKeyFile = join(keyDir, 'secret.key');
    const own = await startStack({ secretKeyFile, loginRateLimit: { maxAttempts: 100, windowMs: 60_000 } });
    try {
      await addUser(own, 'field', 'operator', null);
      const { secret } = await enrol(await login(own.server.url, 'field'));
      expect(existsSync(join(own.dir, 'secret.key'))).toBe(false);
      const db = () => new Database(join(own.dir, 'console.sqlite'));
      const stored = () => {
        const handle = db();
        try {
          return (
            handle.prepare("SELECT totp_secret AS s FROM users WHERE username = 'field'").get() as {
              s: string;
            }
          ).s;
        } finally {
          handle.close();
        }
      };
      expect(stored()).toMatch(/^sm4ctr-hmacsm3:v1:/);

      await own.server.stop();
      renameSync(secretKeyFile, `${secretKeyFile}.away`);
      await expect(own.restartServer()).rejects.toThrow(
        /1 TOTP seed\(s\) are sealed with a key file that is missing/,
      );
      renameSync(`${secretKeyFile}.away`, secretKeyFile);

      // A seed an older version stored plain is sealed at start and still signs in.
      const handle = db();
      handle
        .prepare("UPDATE users SET totp_secret = ?, totp_last_step = NULL WHERE username = 'field'")
        .run(secret);
      handle.close();
      await own.restartServer();
      expect(stored()).toMatch(/^sm4ctr-hmacsm3:v1:/);
      const response = await fetch(`${own.server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'field', password: PASSWORD, totpCode: oathtool(secret) }),
      });
      expect(response.status).toBe(200);
    } finally {
      await own.stop();
      rmSync(keyDir, { recursive: true, force: true });
    }
  }, 60_000);
});
