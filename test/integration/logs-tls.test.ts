/**
 * Syslog over TLS (RFC 5425) with a server certificate from our own CA (`egov-noc ca issue --profile
 * server`), checked by `openssl s_client` against our root; with requireClientCert, only a sender
 * holding a certificate from our CA is heard — no certificate, or one from elsewhere, is refused and
 * counted, and nothing it sent becomes an event.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../logs/support';

const run = promisify(execFile);
const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/nanyang.yaml');
let work: string;
const file = (name: string) => join(work, name);

async function ca(args: string[]): Promise<void> {
  await run(process.execPath, [BIN, 'ca', ...args], {
    cwd: work,
    env: { ...process.env, EGOV_CA_PASSPHRASE: 'logs-tls-test-passphrase' },
  });
}

/** Sends `payload` through openssl s_client; resolves with its output and exit code. */
function sClient(
  port: number,
  payload: string,
  extra: string[] = [],
): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      file('root.pem'),
      '-verify_return_error',
      '-verify_hostname',
      'ny-dx.nanyang.gov.cn',
      '-quiet',
      '-no_ign_eof',
      ...extra,
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => done({ code, out }));
    child.stdin.end(payload);
  });
}

const octets = (message: string) => `${Buffer.byteLength(message)} ${message}`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'egov-logs-tls-'));
  await ca(['init', '--dir', file('ca'), '--inventory', INVENTORY]);
  await ca([
    'issue',
    '--dir',
    file('ca'),
    '--node',
    'ny-dx',
    '--profile',
    'server',
    '--generate',
    '--key-out',
    file('srv.key'),
    '--out',
    file('srv.pem'),
    '--chain',
  ]);
  const { stdout } = await run(process.execPath, [BIN, 'ca', 'show', '--dir', file('ca'), '--chain'], {
    env: { ...process.env, EGOV_CA_PASSPHRASE: 'logs-tls-test-passphrase' },
  });
  writeFileSync(file('chain.pem'), stdout);
  writeFileSync(
    file('root.pem'),
    stdout
      .split(/(?<=-----END CERTIFICATE-----\n)/)
      .filter(Boolean)
      .pop()!,
  );
  // A sender's client certificate from our CA, and one from a CA of its own.
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    file('sender.key'),
    '-subj',
    '/CN=Xichuan Log Sender',
    '-out',
    file('sender.csr'),
  ]);
  await ca([
    'issue',
    '--dir',
    file('ca'),
    '--node',
    'xichuan-gw',
    '--profile',
    'operator',
    '--csr',
    file('sender.csr'),
    '--out',
    file('sender.pem'),
    '--chain',
  ]);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    file('stranger.key'),
    '-subj',
    '/CN=Stranger',
    '-days',
    '2',
    '-out',
    file('stranger.pem'),
  ]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('syslog over TLS', () => {
  let t: TestReceiver;
  afterAll(() => t?.receiver.close());

  it('serves our CA’s certificate; openssl s_client verifies it and its message arrives', async () => {
    t = await startTestReceiver({
      port: undefined,
      tls: { port: 0, certFile: file('srv.pem'), keyFile: file('srv.key') },
    });
    const sent = await sClient(
      t.receiver.tlsPort!,
      octets('<38>1 2026-12-06T10:00:00Z xichuan-gw sshd 1 - - tls-line-1\n'),
    );
    expect(sent.out).not.toMatch(/verify error/);
    const event = await vi.waitFor(() => {
      const found = t.events.find((e) => e.text.includes('tls-line-1'));
      if (!found) throw new Error('not yet');
      return found;
    });
    expect(event).toMatchObject({ node: 'xichuan-gw', format: 'rfc5424', hostname: 'xichuan-gw' });
  });
});

describe('syslog over TLS with client certificates required', () => {
  let t: TestReceiver;
  beforeAll(async () => {
    t = await startTestReceiver({
      port: undefined,
      tls: {
        port: 0,
        certFile: file('srv.pem'),
        keyFile: file('srv.key'),
        caFile: file('chain.pem'),
        requireClientCert: true,
      },
    });
  });
  afterAll(() => t?.receiver.close());

  it('hears a sender whose certificate our CA issued', async () => {
    await sClient(t.receiver.tlsPort!, octets('<38>Dec  6 10:00:00 xichuan-gw app: with-our-cert'), [
      '-cert',
      file('sender.pem'),
      '-key',
      file('sender.key'),
    ]);
    await vi.waitFor(() =>
      expect(t.events.map((e) => e.text)).toContain('<38>Dec  6 10:00:00 xichuan-gw app: with-our-cert'),
    );
  });

  it.each([
    ['no certificate', []],
    ['a certificate from another CA', ['-cert', 'stranger.pem', '-key', 'stranger.key']],
  ])('refuses a sender with %s and counts it', async (_, extra) => {
    const before = t.receiver.stats().refusedConnections;
    const args = extra.map((a) => (a.endsWith('.pem') || a.endsWith('.key') ? file(a) : a));
    await sClient(t.receiver.tlsPort!, octets('<38>Dec  6 10:00:00 xichuan-gw app: must-not-arrive'), args);
    await vi.waitFor(() => expect(t.receiver.stats().refusedConnections).toBe(before + 1));
    expect(t.events.some((e) => e.text.includes('must-not-arrive'))).toBe(false);
  });

  it('refuses to start with an unreadable key, naming the file and never quoting a PEM', async () => {
    const attempt = startTestReceiver({
      port: undefined,
      tls: { port: 0, certFile: file('srv.pem'), keyFile: file('missing.key') },
    });
    await expect(attempt).rejects.toThrow(`syslog TLS key ${file('missing.key')}: ENOENT`);
    const wrong = startTestReceiver({
      port: undefined,
      tls: { port: 0, certFile: file('srv.pem'), keyFile: file('stranger.key') },
    });
    await expect(wrong).rejects.toThrow(/^syslog TLS certificate\/key: /);
    await wrong.catch((error: Error) => expect(error.message).not.toMatch(/BEGIN|PRIVATE/));
    expect(readFileSync(file('srv.key'), 'utf8')).toMatch(/PRIVATE KEY/);
  });
});
