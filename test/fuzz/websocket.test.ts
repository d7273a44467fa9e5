/**
 * Fuzz at the console's live stream: WebSocket frames and the JSON inside them come from browsers
 * we do not control. Frame level: a signed-in user's upgraded raw socket gets mutated client frames
 * (text, fragmented, control, close; masked as the protocol requires) and random bytes; the server
 * answers or closes the connection, and every connection ends. Message level: mutated JSON in valid
 * text frames on one connection; each gets its answer (an error naming the problem, a snapshot, a
 * pong) and the connection stays usable. Afterwards a new client still gets its snapshot.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, isType, login, StreamClient, startStack, type Stack } from '../console/server/support';
import { fuzz } from './mutator';

let stack: Stack;
let cookie: string;

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack, 'fuzz-op', 'operator', null);
  cookie = (await login(stack.server.url, 'fuzz-op')).cookie;
});
afterAll(async () => {
  await stack?.stop();
});

/** A client frame (RFC 6455 §5.2): FIN, opcode, a fixed mask key, the payload masked. */
function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode]), length, mask, masked]);
}

const json = (message: unknown) => Buffer.from(JSON.stringify(message));
const SUBSCRIBE = json({ type: 'subscribe', filter: {} });
const PING = json({ type: 'ping', atMs: 1 });

const FRAME_SEEDS = [
  clientFrame(0x1, SUBSCRIBE),
  clientFrame(0x1, PING),
  Buffer.concat([clientFrame(0x1, PING.subarray(0, 8), false), clientFrame(0x0, PING.subarray(8))]),
  clientFrame(0x9, Buffer.from('are you there')),
  clientFrame(0x8, Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65])),
  clientFrame(0x1, json({ type: 'subscribe', filter: { subtree: 'xichuan-gw' }, resumeFrom: 0 })),
];

/** An upgraded raw socket to /api/stream, with the 101 response read off it. */
async function upgradedSocket(): Promise<Socket> {
  const { port } = new URL(stack.server.url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    'GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      `Cookie: ${cookie}\r\n\r\n`,
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

describe('fuzz: WebSocket frames', () => {
  it('answers or closes on any client bytes, and every connection ends', async () => {
    await fuzz(FRAME_SEEDS, { seed: 0x3e5a, count: 300, budgetMs: 6000 }, async (bytes) => {
      const socket = await upgradedSocket();
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined); // a reset from the server is one way to refuse
      socket.resume();
      socket.end(bytes);
      await closed;
    });
    const client = await StreamClient.open(stack.server.url, cookie);
    client.send({ type: 'subscribe', filter: {} });
    await client.waitFor(isType('snapshot'));
    await client.close();
  });
});

describe('fuzz: stream messages', () => {
  it('answers each mutated message and keeps the connection usable', async () => {
    const client = await StreamClient.open(stack.server.url, cookie);
    const seeds = [
      SUBSCRIBE,
      PING,
      json({ type: 'subscribe', filter: { subtree: 'xichuan-gw', kinds: ['x'] } }),
    ];
    let atMs = 1000;
    await fuzz(seeds, { seed: 0x3e5b, count: 400, budgetMs: 6000, maxRandomBytes: 256 }, async (bytes) => {
      client.ws.send(bytes.toString('utf8'));
      // A ping after it: its pong proves the message was handled and the connection is open.
      const from = client.messages.length;
      client.send({ type: 'ping', atMs: ++atMs });
      const stamp = atMs;
      await client.waitFor(
        (m): m is Extract<typeof m, { type: 'pong' }> => m.type === 'pong' && m.atMs === stamp,
        5000,
        from,
      );
    });
    const errors = client.messages.filter(isType('error'));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.message).toMatch(/\S/);
    await client.close();
  });
});
