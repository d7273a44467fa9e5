/**
 * NATS with JetStream behind TLS (a server certificate from our CA, `egov-noc ca issue`) and nkey
 * or user/password accounts: the bus connects only with the CA, the right name and an account the
 * server knows; `egov-noc collect` takes all of it from the environment and never prints a secret.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { nkeys } from 'nats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NatsBus } from '../../bus';
import { asNodeId, type BusEvent } from '../../domain';
import { startNatsServer } from '../support/nats-server';

const run = promisify(execFile);
const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/nanyang.yaml');
const SERVER_NAME = 'ny-dx.nanyang.gov.cn';
const PASSWORD = 'nats-pw-5c2f9';
const dir = mkdtempSync(join(tmpdir(), 'egov-nats-tls-'));
const file = (name: string) => join(dir, name);
/** The nats client's nkeys module, untyped in its declarations. */
const userKeys = nkeys as { createUser(): { getSeed(): Uint8Array; getPublicKey(): string } };
const collector = userKeys.createUser();
const seed = new TextDecoder().decode(collector.getSeed());
const stranger = new TextDecoder().decode(userKeys.createUser().getSeed());
let nats: Awaited<ReturnType<typeof startNatsServer>>;

async function ca(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, 'ca', ...args], {
    env: { ...process.env, EGOV_CA_PASSPHRASE: 'nats-tls-test-passphrase' },
  });
  return stdout;
}

beforeAll(async () => {
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
  const chain = await ca(['show', '--dir', file('ca'), '--chain']);
  writeFileSync(
    file('root.pem'),
    chain
      .split(/(?<=-----END CERTIFICATE-----\n)/)
      .filter(Boolean)
      .pop() ?? '',
  );
  writeFileSync(
    file('nats.conf'),
    [
      `tls { cert_file: "${file('srv.pem')}", key_file: "${file('srv.key')}" }`,
      `authorization { users: [ { nkey: "${collector.getPublicKey()}" }, { user: "console", password: "${PASSWORD}" } ] }`,
    ].join('\n'),
  );
  nats = await startNatsServer(undefined, { jetstream: file('js'), args: ['-c', file('nats.conf')] });
}, 120_000);

afterAll(async () => {
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tls = { caFile: file('root.pem'), servername: SERVER_NAME };
const jetstream = { mode: 'on' as const, stream: 'TLS_EVENTS', maxAgeS: 60, maxBytes: 8 * 1024 * 1024 };
const trap: BusEvent = {
  type: 'trap',
  node: asNodeId('ny-dx'),
  timeMs: 1_700_000_000_000,
  trap: 'linkDown',
  trapOid: '1.3.6.1.6.3.1.1.5.3',
  ifIndex: 1,
  varbinds: [],
};

describe('NATS over TLS with nkey and password accounts', () => {
  it('carries events between an nkey publisher and a password consumer over TLS', async () => {
    const console_ = await NatsBus.connect(nats.url, {
      user: 'console',
      pass: PASSWORD,
      tls,
      jetstream: { ...jetstream, consumer: 'tls-console' },
    });
    const publisher = await NatsBus.connect(nats.url, { nkeySeed: seed, tls, jetstream });
    const received: BusEvent[] = [];
    console_.subscribe('trap', (event) => received.push(event));
    await console_.flush();
    publisher.publish(trap);
    await publisher.flush();
    await vi.waitFor(() => expect(received).toEqual([trap]));
    await publisher.close();
    await console_.close();
  });

  it('refuses an unknown nkey, a client without our CA, and a certificate name that does not match', async () => {
    await expect(NatsBus.connect(nats.url, { nkeySeed: stranger, tls, jetstream })).rejects.toThrow(
      /authorization/i,
    );
    await expect(NatsBus.connect(nats.url, { nkeySeed: seed, jetstream })).rejects.toThrow();
    await expect(
      NatsBus.connect(nats.url, { nkeySeed: seed, tls: { caFile: file('root.pem') }, jetstream }),
    ).rejects.toThrow(/altnames|IP/i);
  });

  it('egov-noc collect takes the nkey and TLS from the environment, and a wrong seed stops it without quoting it', async () => {
    const collect = (nkeySeed: string) =>
      new Promise<{ out: string; code: number | null }>((done) => {
        const child = spawn(
          process.execPath,
          [
            BIN,
            'collect',
            '--inventory',
            INVENTORY,
            '--store',
            file(`m-${nkeySeed.slice(-4)}.sqlite`),
            '--bus',
            nats.url,
          ],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: {
              ...process.env,
              LOG_LEVEL: 'warn',
              NATS_NKEY_SEED: nkeySeed,
              NATS_TLS_CA: file('root.pem'),
              NATS_TLS_SERVERNAME: SERVER_NAME,
              EGOV_NOC_JETSTREAM: 'on',
            },
          },
        );
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('events go to')) child.kill('SIGTERM');
        });
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('exit', (code) => done({ out, code }));
      });
    const right = await collect(seed);
    expect(right.out).toContain(`events go to ${nats.url} (JetStream`);
    const wrong = await collect(stranger);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/event bus nats:\/\/127\.0\.0\.1:\d+: .*authorization/i);
    expect(wrong.out).not.toContain(stranger);
    expect(right.out).not.toContain(seed);
  }, 60_000);
});
