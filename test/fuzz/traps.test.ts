/**
 * Fuzz at the trap receiver: SNMP datagrams are untrusted bytes from the network. Seeds are real
 * traps (v1, v2c, v3 authPriv) from Debian's `snmptrap`, captured on a socket of ours; mutations of
 * them and random bytes go to a running receiver from the addresses of two inventory nodes, so they
 * pass the source check and reach the community check and net-snmp's decoder. The receiver must
 * count every datagram it cannot use, throw nothing, and still publish a genuine trap afterwards.
 * The header reader that runs before decoding is fuzzed on its own with many more inputs.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessBus } from '../../bus/index';
import { startTrapReceiver, type TrapReceiver } from '../../collector/index';
import { readTrapHeader } from '../../collector/traps/header';
import { memoryLogger } from '../../common';
import type { BusEvent } from '../../domain';
import { loadInventory } from '../../inventory/index';
import { freeUdpPort } from '../support/snmpd';
import { fuzz, fuzzInputs } from './mutator';

const run = promisify(execFile);
const SW_ADDRESS = '127.0.0.9'; // xichuan-sw, v2c community ny-sim-ro
const GW_ADDRESS = '127.0.0.8'; // xichuan-gw, v3 user noc-poller
const V3 = [
  ...['-v3', '-e', '0x8000000001020304', '-u', 'noc-poller', '-l', 'authPriv'],
  ...['-a', 'SHA', '-A', 'ny-sim-auth-2026', '-x', 'AES', '-X', 'ny-sim-priv-2026'],
];
const LINK_DOWN = ['', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.1.7', 'i', '7'];

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const inventory = {
  ...loaded.inventory,
  nodes: loaded.inventory.nodes.map((n) =>
    n.id === 'xichuan-sw'
      ? { ...n, address: SW_ADDRESS }
      : n.id === 'xichuan-gw'
        ? { ...n, address: GW_ADDRESS }
        : n,
  ),
};

const bus = new InProcessBus();
const events: BusEvent[] = [];
bus.subscribeAll((e) => events.push(e));
let receiver: TrapReceiver;
const logger = memoryLogger();
let seeds: Buffer[];
const senders: Socket[] = [];

/** Each `snmptrap` run's datagram, as it arrives on a socket of ours. */
async function captureTraps(argLists: Array<[options: string[], trap: string[]]>): Promise<Buffer[]> {
  const capture = createSocket('udp4');
  const port = await new Promise<number>((resolve) =>
    capture.bind(0, '127.0.0.1', () => resolve(capture.address().port)),
  );
  const captured: Buffer[] = [];
  capture.on('message', (msg) => captured.push(msg));
  try {
    for (const [i, [options, trap]] of argLists.entries()) {
      await run('/usr/bin/snmptrap', [...options, '-m', '', `127.0.0.1:${port}`, ...trap], {
        env: { ...process.env, MIBS: '' },
      });
      await vi.waitFor(() => {
        if (captured.length <= i) throw new Error(`snmptrap's datagram #${i + 1} has not arrived`);
      });
    }
  } finally {
    capture.close();
  }
  return captured;
}

async function senderAt(address: string): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  senders.push(socket);
  return socket;
}

const send = (socket: Socket, bytes: Buffer): Promise<void> =>
  new Promise((resolve) => socket.send(bytes, receiver.port, '127.0.0.1', () => resolve()));

beforeAll(async () => {
  seeds = await captureTraps([
    [['-v2c', '-c', 'ny-sim-ro'], LINK_DOWN],
    [
      ['-v1', '-c', 'ny-sim-ro'],
      ['1.3.6.1.4.1.25506', SW_ADDRESS, '2', '0', '', ...LINK_DOWN.slice(2)],
    ],
    [V3, LINK_DOWN],
  ]);
  receiver = await startTrapReceiver({ port: await freeUdpPort(), inventory, bus, logger });
});
afterAll(async () => {
  for (const socket of senders) socket.close();
  await receiver?.close();
});

describe('fuzz: trap header reader', () => {
  it('reads a header or answers null, never throws', async () => {
    await fuzz(seeds, { seed: 0x7a11, count: 30_000, budgetMs: 3000 }, (bytes) => {
      const header = readTrapHeader(bytes);
      if (header !== null) expect([0, 1, 3]).toContain(header.version);
    });
  });
});

describe('fuzz: trap receiver', () => {
  it('refuses mutated and random datagrams from known nodes and still publishes a genuine trap', async () => {
    const sw = await senderAt(SW_ADDRESS);
    const gw = await senderAt(GW_ADDRESS);
    let sent = 0;
    for (const { bytes } of fuzzInputs(seeds, { seed: 0x7a12, count: 3000, budgetMs: 6000 })) {
      await send(sent % 2 === 0 ? sw : gw, bytes);
      sent++;
      // The receiver runs on this thread: let it read each datagram before the socket buffer fills.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sent).toBeGreaterThan(0);
    // The genuine trap, re-sent until it arrives (UDP may drop under a burst): the receiver is alive.
    const genuine = seeds[0]!;
    await expect
      .poll(
        async () => {
          await send(sw, genuine);
          return events.some((e) => e.type === 'trap' && e.node === 'xichuan-sw' && e.ifIndex === 7);
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true);
    // Every datagram is accounted for (a rejected one is counted), and no community or key is logged.
    const stats = receiver.stats();
    expect(stats.rejected + stats.unknownSenders + stats.received).toBeGreaterThanOrEqual(sent);
    expect(JSON.stringify(logger.lines)).not.toMatch(/ny-sim/);
  });
});
