/**
 * The syslog receiver with real senders: util-linux `logger` (RFC 3164 and 5424, UDP, TCP with
 * newline framing and with octet counting), raw sockets for GBK, binary, oversized, truncated and idle
 * senders. Every message is kept and counted; none crashes the receiver.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SecurityEvent } from '../../domain';
import { run, sendUdp, startTestReceiver, type TestReceiver } from '../logs/support';

let t: TestReceiver;
beforeAll(async () => {
  t = await startTestReceiver();
});
afterAll(() => t.receiver.close());

async function eventWith(text: string): Promise<SecurityEvent> {
  return vi.waitFor(
    () => {
      const found = t.events.find((e) => e.text.includes(text));
      if (!found) throw new Error(`no event with "${text}" yet`);
      return found;
    },
    { timeout: 10_000, interval: 20 },
  );
}

function logger(args: string[], message: string) {
  return run('logger', ['-n', '127.0.0.1', ...args, message]);
}

function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('syslog receiver with logger', () => {
  it('RFC 3164 over UDP: an sshd failure from xichuan-gw’s address is its auth-failure', async () => {
    await logger(
      ['--rfc3164', '-d', '-P', String(t.receiver.udpPort), '-t', 'sshd'],
      'Failed password for invalid user oracle from 203.0.113.9 port 40022 ssh2',
    );
    const event = await eventWith('invalid user oracle');
    expect(event).toMatchObject({
      node: 'xichuan-gw',
      zone: 'internal',
      format: 'rfc3164',
      category: 'auth-failure',
      user: 'oracle',
      sourceAddress: '203.0.113.9',
      senderAddress: '127.0.0.1',
      rawBase64: null,
    });
  });

  it('RFC 5424 over TCP, newline framing, Chinese text in UTF-8', async () => {
    await logger(
      ['--rfc5424', '-T', '-P', String(t.receiver.tcpPort), '-t', 'audit'],
      '用户 netops 登录失败 from 10.8.1.23',
    );
    const event = await eventWith('用户 netops 登录失败');
    expect(event).toMatchObject({ node: 'xichuan-gw', format: 'rfc5424', sourceAddress: '10.8.1.23' });
  });

  it('RFC 5424 over TCP with octet counting, a Huawei VRP body', async () => {
    await logger(
      ['--rfc5424', '-T', '--octet-count', '-P', String(t.receiver.tcpPort), '-p', 'local7.warning'],
      '%%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=10.8.1.23, VpnInstanceName=, UserName=admin, Times=1, FailedReason=Password authentication failed)',
    );
    const event = await eventWith('Failed to login through SSH');
    expect(event).toMatchObject({
      node: 'xichuan-gw',
      format: 'huawei-vrp',
      messageId: 'SSH/4/SSH_FAIL',
      category: 'auth-failure',
      severity: 'warning',
      user: 'admin',
      sourceAddress: '10.8.1.23',
    });
  });
});

describe('syslog receiver with hostile and odd senders', () => {
  it('decodes GBK', async () => {
    const gbk = Buffer.from([0xd3, 0xc3, 0xbb, 0xa7, 0xb5, 0xc7, 0xc2, 0xbc, 0xca, 0xa7, 0xb0, 0xdc]); // 用户登录失败
    await sendUdp(
      t.receiver.udpPort!,
      Buffer.concat([Buffer.from('<36>Dec  6 10:00:00 xichuan-gw app: gbk-line '), gbk]),
    );
    const event = await eventWith('gbk-line 用户登录失败');
    expect(event.rawBase64).toBeNull();
  });

  it('keeps a binary datagram as raw bytes and counts it malformed', async () => {
    const before = t.receiver.stats().malformed;
    const binary = Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x62, 0x69, 0x6e, 0x00, 0xff, 0xfe, 0x80, 0x1b]);
    await sendUdp(t.receiver.udpPort!, binary);
    const event = await eventWith('<13>bin');
    expect(Buffer.from(event.rawBase64!, 'base64')).toEqual(binary);
    expect(t.receiver.stats().malformed).toBe(before + 1);
  });

  it('keeps the first 8 KiB of an oversized datagram and counts it', async () => {
    const before = t.receiver.stats().oversized;
    await sendUdp(t.receiver.udpPort!, `<13>oversized-udp ${'x'.repeat(20_000)}`);
    const event = await eventWith('oversized-udp');
    expect(Buffer.from(event.rawBase64!, 'base64')).toHaveLength(8 * 1024);
    expect(t.receiver.stats().oversized).toBe(before + 1);
  });

  it('keeps an oversized TCP line cut to 64 KiB and stays in step for the next one', async () => {
    const socket = await openTcp(t.receiver.tcpPort!);
    socket.end(`<13>oversized-tcp ${'y'.repeat(200_000)}\n<13>after-oversized\n`);
    const cut = await eventWith('oversized-tcp');
    expect(Buffer.from(cut.rawBase64!, 'base64')).toHaveLength(64 * 1024);
    await eventWith('after-oversized');
  });

  it('counts and keeps a frame the sender cut short', async () => {
    const before = t.receiver.stats().truncated;
    const socket = await openTcp(t.receiver.tcpPort!);
    socket.end('120 <13>cut-short');
    const event = await eventWith('cut-short');
    expect(Buffer.from(event.rawBase64!, 'base64').toString()).toBe('<13>cut-short');
    expect(t.receiver.stats().truncated).toBe(before + 1);
  });

  it('keeps a line from an unknown address with node null and counts it', async () => {
    const before = t.receiver.stats().unknownSenders;
    await sendUdp(
      t.receiver.udpPort!,
      '<38>Dec  6 10:00:00 xichuan-gw sshd[1]: from a stranger',
      '127.0.0.2',
    );
    const event = await eventWith('from a stranger');
    // The HOSTNAME claims xichuan-gw; only a relay's HOSTNAME is believed.
    expect(event).toMatchObject({
      node: null,
      zone: null,
      senderAddress: '127.0.0.2',
      hostname: 'xichuan-gw',
    });
    expect(t.receiver.stats().unknownSenders).toBe(before + 1);
  });
});

describe('syslog receiver limits', () => {
  it('refuses connections over the limit, counts them, and serves again once one closes', async () => {
    const limited = await startTestReceiver({ limits: { maxConnections: 2 } });
    const port = limited.receiver.tcpPort!;
    const first = await openTcp(port);
    const second = await openTcp(port);
    const third = connect(port, '127.0.0.1');
    third.on('error', () => undefined);
    await vi.waitFor(() => expect(limited.receiver.stats().refusedConnections).toBe(1));
    first.destroy();
    await vi.waitFor(async () => {
      const again = await openTcp(port);
      again.end('<13>served-again\n');
      expect(limited.events.some((e) => e.text === '<13>served-again')).toBe(true);
    });
    second.destroy();
    await limited.receiver.close();
  });

  it('closes an idle connection and keeps its unfinished frame as truncated', async () => {
    const idle = await startTestReceiver({ limits: { idleTimeoutMs: 200 } });
    const socket = await openTcp(idle.receiver.tcpPort!);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('<13>idle-partial');
    await closed;
    await vi.waitFor(() => expect(idle.events.map((e) => e.text)).toEqual(['<13>idle-partial']));
    expect(idle.receiver.stats()).toMatchObject({ received: 1, truncated: 1 });
    await idle.receiver.close();
  });

  it('counts a message whose sink fails as dropped and keeps serving (never throws into the socket)', async () => {
    const failing = await startTestReceiver({
      onEvent: (event) => {
        if (event.text.includes('sink-fails')) throw new Error('store full');
      },
    });
    await sendUdp(failing.receiver.udpPort!, '<13>sink-fails');
    const socket = await openTcp(failing.receiver.tcpPort!);
    socket.end('<13>sink-fails over tcp\n<13>fine\n');
    await vi.waitFor(() => expect(failing.receiver.stats()).toMatchObject({ received: 3, dropped: 2 }));
    await failing.receiver.close();
  });

  it('counts every message it received: received = events, nothing dropped', () => {
    const stats = t.receiver.stats();
    expect(stats.received).toBe(t.events.length);
    expect(stats.dropped).toBe(0);
  });
});
