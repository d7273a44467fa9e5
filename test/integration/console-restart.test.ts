/**
 * `egov-noc serve --config` as a real process: the first start prints the admin password once;
 * after SIGKILL and a restart, sessions, API tokens, users and the audit trail are still there.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { AuditResponse, SessionResponse } from '../../console/shared';
import { freePort } from '../support/influxd';

const dir = mkdtempSync(join(tmpdir(), 'console-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(config: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [resolve('bin/egov-noc.js'), 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /egov-noc console on (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolveKill) => {
    child.once('exit', () => resolveKill());
    child.kill('SIGKILL');
  });
}

test('a killed and restarted server keeps sessions, tokens, users and audit', async () => {
  const port = await freePort();
  const config = join(dir, 'serve.yaml');
  writeFileSync(
    config,
    [
      `inventory: ${resolve('configs/examples/nanyang.yaml')}`,
      'stateDir: state',
      `port: ${port}`,
      'metrics: memory',
      '',
    ].join('\n'),
  );

  const first = await serve(config);
  const password = /password (\S+)/.exec(first.output())?.[1];
  expect(password).toBeDefined();
  const login = await fetch(`${first.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const session = (await login.json()) as SessionResponse;
  const headers = { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' };
  const created = await fetch(`${first.url}/api/users`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      username: 'duty',
      displayName: '值班员',
      role: 'operator',
      scope: 'xichuan-gw',
      password: 'duty-password-2026',
    }),
  });
  expect(created.status).toBe(201);
  const token = (await (
    await fetch(`${first.url}/api/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'ci' }) })
  ).json()) as { token: string };
  await kill(first.child);

  const second = await serve(config);
  expect(second.output()).not.toContain('First start');
  const again = await fetch(`${second.url}/api/session`, { headers: { cookie } });
  expect(again.status).toBe(200);
  const resumed = (await again.json()) as SessionResponse;
  expect(resumed.user.username).toBe('admin');
  expect(resumed.csrfToken).toBe(session.csrfToken);
  expect(
    (await fetch(`${second.url}/api/topology`, { headers: { authorization: `Bearer ${token.token}` } }))
      .status,
  ).toBe(200);
  // The first user is the system administrator: the audit is the audit administrator's, so it is
  // read here with egov-noc audit (the same records, hash-chained across the restart).
  expect((await fetch(`${second.url}/api/audit`, { headers: { cookie } })).status).toBe(403);
  const egov = (...args: string[]) =>
    execFileSync(process.execPath, [resolve('bin/egov-noc.js'), ...args], { encoding: 'utf8' });
  expect(egov('audit', 'verify', '--state', join(dir, 'state'))).toContain('the audit chain holds');
  const records = JSON.parse(
    egov('audit', 'export', '--state', join(dir, 'state')),
  ) as AuditResponse['records'];
  const actions = records.map((record) => `${record.action} ${record.target}`);
  expect(actions).toContain('user.create admin');
  expect(actions).toContain('login admin');
  expect(actions).toContain('user.create duty');
  expect(actions).toContain('token.create admin');
  // CSRF still enforced after the restart.
  const noCsrf = await fetch(`${second.url}/api/users/duty`, { method: 'DELETE', headers: { cookie } });
  expect(noCsrf.status).toBe(403);
  await kill(second.child);
});
