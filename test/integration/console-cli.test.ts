/** `egov-noc user add|passwd|unlock` against the state folder a running console server uses. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { login, startStack } from '../console/server/support';

// Asynchronous: the server under test shares this process, and a blocked event loop fires its
// keep-alive timers late, resetting the connection the next request reuses.
const cli = async (...args: string[]) =>
  (
    await promisify(execFile)(process.execPath, [resolve('bin/egov-noc.js'), 'user', ...args], {
      encoding: 'utf8',
    })
  ).stdout;

test('a CLI-created user signs in with the printed password; passwd ends their sessions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-cli-'));
  const added = await cli(
    'add',
    '--state',
    dir,
    '--username',
    'chief',
    '--role',
    'sysadmin',
    '--inventory',
    'configs/examples/nanyang.yaml',
  );
  const password = /password \(shown once, store it now\): (\S+)/.exec(added)?.[1] ?? '';
  expect(password.length).toBeGreaterThanOrEqual(20);
  const stack = await startStack({}, dir);
  try {
    const chief = await login(stack.server.url, 'chief', password);
    expect(chief.session.user.role).toBe('sysadmin');
    const changed = await cli('passwd', '--state', dir, '--username', 'chief');
    const next = /password \(shown once, store it now\): (\S+)/.exec(changed)?.[1] ?? '';
    expect((await chief.api('/api/session')).status).toBe(401);
    const again = await login(stack.server.url, 'chief', next);
    expect(await cli('unlock', '--state', dir, '--username', 'chief')).toContain('unlocked');
    expect((await again.api('/api/session')).status).toBe(200);
    // The CLI's changes are in the same audit trail, which the audit administrator reads.
    await cli('add', '--state', dir, '--username', 'auditor', '--role', 'auditadmin');
    const auditor = await cli('passwd', '--state', dir, '--username', 'auditor');
    const auditorPassword = /password \(shown once, store it now\): (\S+)/.exec(auditor)?.[1] ?? '';
    const reader = await login(stack.server.url, 'auditor', auditorPassword);
    const { records } = (await (await reader.api('/api/audit')).json()) as {
      records: Array<{ actor: string; action: string; target: string }>;
    };
    const fromCli = records
      .filter((record) => record.actor.startsWith('cli:') && record.target === 'chief')
      .map((record) => record.action);
    expect(fromCli).toEqual(['user.update', 'user.update', 'user.create']);
  } finally {
    await stack.stop();
  }
});
