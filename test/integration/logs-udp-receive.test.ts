/**
 * Syslog over UDP read both ways — in batches by the native receiver (recvmmsg, the default where it
 * is built) and one datagram at a time through node:dgram (the fallback) — with real sockets: the
 * same datagrams make the same events, whatever their sender, size or bytes.
 */
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../common';
import type { SecurityEvent } from '../../domain';
import { emptyStats } from '../../logs/stats';
import { LogIntake } from '../../logs/receiver/intake';
import { listenUdp, type UdpReceive } from '../../logs/receiver/udp';
import { udpBatchAddon } from '../../logs/receiver/udp-batched';
import { LogSenders } from '../../logs/senders';
import { NODES, startTestReceiver, type TestReceiver } from '../logs/support';

const receivers: TestReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.receiver.close()));
});

async function receiverWith(udpReceive: UdpReceive, address = '127.0.0.1'): Promise<TestReceiver> {
  const started = await startTestReceiver({ udpReceive, address });
  receivers.push(started);
  return started;
}

async function boundSocket(type: 'udp4' | 'udp6', from: string): Promise<Socket> {
  const socket = createSocket(type);
  await new Promise<void>((resolve) => socket.bind(0, from, () => resolve()));
  return socket;
}

const send = (socket: Socket, payload: Buffer, port: number, to: string) =>
  new Promise<void>((resolve, reject) => socket.send(payload, port, to, (e) => (e ? reject(e) : resolve())));

/** Datagrams that exercise every field a batch carries: sender, port, length, the cut flag, raw bytes. */
function mixedDatagrams(): Buffer[] {
  return [
    Buffer.from(
      '<86>Dec  6 10:00:00 xichuan-gw sshd[42]: Failed password for admin from 10.9.9.9 port 22 ssh2',
    ),
    Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x62, 0x69, 0x6e, 0x00, 0xff, 0xfe, 0x80]),
    Buffer.from(`<13>oversized-udp ${'x'.repeat(12_000)}`),
    Buffer.from('<13>exactly at the limit '.padEnd(8 * 1024, 'z')),
    Buffer.alloc(0),
    Buffer.from('<190>Dec  6 10:00:01 NZ-CORE %%01SHELL/5/CMDRECORD(s):用户 admin 执行 display current'),
  ];
}

/** Sends each datagram from two loopback addresses in turn, then waits until all arrived. */
async function sendMixed(t: TestReceiver): Promise<{ ports: Map<string, number> }> {
  const a = await boundSocket('udp4', '127.0.0.1');
  const b = await boundSocket('udp4', '127.0.0.2');
  const datagrams = mixedDatagrams();
  for (const datagram of datagrams) {
    await send(a, datagram, t.receiver.udpPort!, '127.0.0.1');
    await send(b, datagram, t.receiver.udpPort!, '127.0.0.1');
  }
  await vi.waitFor(() => expect(t.events).toHaveLength(datagrams.length * 2));
  const ports = new Map([
    ['127.0.0.1', a.address().port],
    ['127.0.0.2', b.address().port],
  ]);
  a.close();
  b.close();
  return { ports };
}

/** What a user sees of an event, without what differs from run to run (id, time received). */
const shape = (e: SecurityEvent) => ({
  sender: e.senderAddress,
  node: e.node,
  category: e.category,
  text: e.text,
  raw: e.rawBase64,
});

describe('syslog over UDP: the batched native receiver and node:dgram', () => {
  it('the native receiver is built here and is what the receiver uses by default', async () => {
    expect(udpBatchAddon()).not.toBeInstanceOf(Error);
    const t = await receiverWith('auto');
    expect(t.receiver.udpReceivePath).toBe('recvmmsg');
    expect((await receiverWith('dgram')).receiver.udpReceivePath).toBe('dgram');
  });

  it('the same datagrams make the same events and counts either way', async () => {
    const batched = await receiverWith('auto');
    const dgram = await receiverWith('dgram');
    await sendMixed(batched);
    await sendMixed(dgram);
    expect(batched.events.map(shape)).toEqual(dgram.events.map(shape));
    // The same counts, but for the socket's drop count, which only the native path can read.
    expect({ ...batched.receiver.stats(), kernelDropped: 0 }).toEqual({
      ...dgram.receiver.stats(),
      kernelDropped: 0,
    });
    expect(batched.receiver.stats().kernelDropped).toBe(0);
    expect(dgram.receiver.stats().kernelDropped).toBeNull();
    // Each sender's datagrams in the order sent; xichuan-gw is managed from 127.0.0.1.
    const first = batched.events[0]!;
    expect(first).toMatchObject({ senderAddress: '127.0.0.1', node: 'xichuan-gw', category: 'auth-failure' });
    expect(batched.events[1]!.senderAddress).toBe('127.0.0.2');
    expect(batched.receiver.stats()).toMatchObject({ received: 12, oversized: 2, malformed: 2 });
    // Cut at 8 KiB and kept whole as raw bytes; a datagram of exactly 8 KiB is not cut.
    const cut = batched.events.find((e) => e.text.startsWith('<13>oversized-udp'))!;
    expect(Buffer.from(cut.rawBase64!, 'base64')).toHaveLength(8 * 1024);
    const atLimit = batched.events.find((e) => e.text.includes('exactly at the limit'))!;
    expect(atLimit.rawBase64).toBeNull();
    expect(atLimit.text).toHaveLength(8 * 1024);
  });

  it('a burst larger than one batch arrives whole, in order, each with its sender’s port', async () => {
    const t = await receiverWith('auto');
    const socket = await boundSocket('udp4', '127.0.0.1');
    const count = 1_000;
    for (let i = 0; i < count; i++) socket.send(`<14>burst ${i}`, t.receiver.udpPort!, '127.0.0.1');
    await vi.waitFor(() => expect(t.events).toHaveLength(count), { timeout: 10_000 });
    expect(t.events.map((e) => e.text)).toEqual(Array.from({ length: count }, (_, i) => `<14>burst ${i}`));
    expect(t.receiver.stats()).toMatchObject({ received: count, dropped: 0 });
    socket.close();
  });

  it('counts what the kernel drops while the receiver is held up: received + kernelDropped = sent', async () => {
    const t = await receiverWith('auto');
    // More bytes than any receive buffer the kernel grants here (rmem_max, doubled for bookkeeping),
    // sent by another process while this thread is blocked in execFileSync and cannot read.
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const count = Math.max(20_000, Math.ceil((rmemMax * 4) / 1_000));
    const sender = `const s = require('node:dgram').createSocket('udp4'); let sent = 0;
      const line = Buffer.from('<14>flood '.padEnd(1000, 'f'));
      const next = () => { if (sent === ${count}) return s.close(); s.send(line, ${t.receiver.udpPort}, '127.0.0.1', next); sent++; };
      next();`;
    execFileSync(process.execPath, ['-e', sender]);
    await vi.waitFor(
      () => {
        const stats = t.receiver.stats();
        expect(stats.kernelDropped).toBeGreaterThan(0);
        expect(stats.received + (stats.kernelDropped ?? 0)).toBe(count);
      },
      { timeout: 20_000 },
    );
    expect(t.events).toHaveLength(t.receiver.stats().received);
  });

  it('listens on IPv6 and names an IPv6 sender as dgram does', async () => {
    for (const mode of ['auto', 'dgram'] as const) {
      const t = await receiverWith(mode, '::1');
      const socket = await boundSocket('udp6', '::1');
      await send(socket, Buffer.from('<14>over v6'), t.receiver.udpPort!, '::1');
      await vi.waitFor(() => expect(t.events).toHaveLength(1));
      expect(t.events[0]).toMatchObject({ senderAddress: '::1', text: '<14>over v6', node: null });
      socket.close();
    }
  });

  it('a port in use is refused with its code and address, and a closed receiver frees its port', async () => {
    const t = await receiverWith('auto');
    const port = t.receiver.udpPort!;
    const intake = new LogIntake(
      new LogSenders({ nodes: NODES }),
      () => undefined,
      emptyStats(),
      memoryLogger(),
      Date.now,
    );
    await expect(listenUdp(port, '127.0.0.1', 8192, intake, memoryLogger())).rejects.toMatchObject({
      code: 'EADDRINUSE',
      message: `bind EADDRINUSE 127.0.0.1:${port}`,
    });
    await t.receiver.close();
    receivers.splice(receivers.indexOf(t), 1);
    const again = await listenUdp(port, '127.0.0.1', 8192, intake, memoryLogger());
    expect(again.port).toBe(port);
    await again.close();
  });

  it('where the native receiver is not built, warns once with the reason and reads through dgram', async () => {
    const logger = memoryLogger();
    const events: SecurityEvent[] = [];
    const intake = new LogIntake(
      new LogSenders({ nodes: NODES }),
      (e) => events.push(e),
      emptyStats(),
      logger,
      Date.now,
    );
    const listener = await listenUdp(
      0,
      '127.0.0.1',
      8192,
      intake,
      logger,
      'auto',
      new Error('Cannot find module'),
    );
    try {
      expect(listener.receivePath).toBe('dgram');
      const warning = logger.lines.find((e) => e.level === 'warn');
      expect(warning?.msg).toMatch(/native batched receiver .* not built/);
      expect(warning?.obj).toMatchObject({ reason: 'Cannot find module' });
      const socket = await boundSocket('udp4', '127.0.0.1');
      await send(socket, Buffer.from('<14>fallback works'), listener.port, '127.0.0.1');
      await vi.waitFor(() => expect(events.map((e) => e.text)).toEqual(['<14>fallback works']));
      socket.close();
    } finally {
      await listener.close();
    }
  });
});
