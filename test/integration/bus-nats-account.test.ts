/**
 * A NATS server that requires an account: the account reaches the bus only as a value the CLI read
 * from NATS_USER / NATS_PASSWORD, never from process.env inside the bus.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NatsBus, openEventBus } from '../../bus';
import { startNatsServer } from '../support/nats-server';

const ACCOUNT = { user: 'noc-collector', pass: 'nats-pw-4d1e' };
const dir = mkdtempSync(join(tmpdir(), 'egov-nats-account-'));
let nats: Awaited<ReturnType<typeof startNatsServer>>;

beforeAll(async () => {
  nats = await startNatsServer(ACCOUNT);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `egov-noc collect --bus` until it says where events go (then stop it), or until it exits. */
function collectWith(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      resolve('bin/egov-noc.js'),
      'collect',
      '--inventory',
      'configs/examples/nanyang.yaml',
      '--store',
      join(dir, `m-${Object.values(env).join('-')}.sqlite`),
      '--bus',
      nats.url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn', ...env } },
  );
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
    if (out.stdout.includes('events go to')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return new Promise<typeof out & { code: number | null }>((done) =>
    child.once('exit', (code) => done({ ...out, code })),
  );
}

describe('NATS account', () => {
  it('the bus logs in with the account it is given, and not with one in the process environment', async () => {
    const bus = await openEventBus(nats.url, ACCOUNT);
    expect(bus).toBeInstanceOf(NatsBus);
    await (bus as NatsBus).close();

    vi.stubEnv('NATS_USER', ACCOUNT.user);
    vi.stubEnv('NATS_PASSWORD', ACCOUNT.pass);
    await expect(openEventBus(nats.url)).rejects.toThrow(/authorization/i);
  });

  it('egov-noc collect passes NATS_USER / NATS_PASSWORD to the bus, and a wrong one stops it naming the bus only', async () => {
    const right = await collectWith({ NATS_USER: ACCOUNT.user, NATS_PASSWORD: ACCOUNT.pass });
    expect(right.stdout).toContain(`events go to ${nats.url}`);

    const wrong = await collectWith({ NATS_USER: ACCOUNT.user, NATS_PASSWORD: 'wrong-pw-77' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`event bus ${nats.url}: .*authorization`, 'i'));
    expect(wrong.stderr).not.toContain('wrong-pw-77');
  });
});
