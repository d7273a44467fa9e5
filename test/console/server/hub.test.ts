/** The stream hub's backpressure: a slow client gets resync, then a snapshot once drained; others never wait. */
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Scope } from '../../../console/server/access';
import type { ServerMessage } from '../../../console/shared';
import { eventually, startStack, takeDown, type Stack } from './support';

/** Just enough of a ws socket (a real one cannot be made to stall on demand): what the hub sends, and a bufferedAmount the test controls. */
class FakeSocket extends EventEmitter {
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  send(data: Buffer): void {
    this.sent.push(JSON.parse(data.toString()) as ServerMessage);
  }
  ping(): void {
    this.emit('pong');
  }
  terminate(): void {}
  close(): void {}
  receive(message: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ stream: { maxBufferedBytes: 10_000, heartbeatMs: 30 } });
});
afterAll(() => stack.stop());

/** Attach a fake socket to the real server's hub (real alert engine behind it) and subscribe. */
function attach(root: string | null, filter: object = {}, resumeFrom?: number): FakeSocket {
  const socket = new FakeSocket();
  stack.server.hub.attach(socket as never, {
    username: 'u',
    scope: new Scope(stack.topology, root as never),
    access: { stillValid: () => true, keepAlive: () => {} },
  });
  socket.receive({ type: 'subscribe', filter, ...(resumeFrom === undefined ? {} : { resumeFrom }) });
  return socket;
}

const kinds = (socket: FakeSocket, from = 0) =>
  socket.sent
    .slice(from)
    .map((m) => m.type)
    .filter((type) => type !== 'heartbeat');

const alertsOf = (socket: FakeSocket) =>
  socket.sent.filter((m): m is Extract<ServerMessage, { type: 'alert' }> => m.type === 'alert');

test('a slow client gets resync and later a snapshot; a fast one gets every delta', async () => {
  const fast = attach(null);
  const slow = attach(null);
  expect(kinds(slow)).toEqual(['snapshot']);

  slow.bufferedAmount = 50_000; // the peer stopped reading
  for (const node of ['xichuan-sw', 'nanzhao-sw', 'tanghe-sw']) takeDown(stack, node);
  await eventually(() => (alertsOf(fast).length >= 3 ? true : undefined));
  expect(kinds(slow)).toEqual(['snapshot', 'resync']);
  const overflowedAt = slow.sent.length;

  slow.bufferedAmount = 0; // drained: the next heartbeat (or delta) brings a fresh snapshot
  await eventually(() => slow.sent.slice(overflowedAt).find((m) => m.type === 'snapshot'));
  expect(kinds(slow, overflowedAt)[0]).toBe('snapshot');
  const snapshot = slow.sent.slice(overflowedAt).find((m) => m.type === 'snapshot') as Extract<
    ServerMessage,
    { type: 'snapshot' }
  >;
  expect(snapshot.alerts.map((a) => a.node).sort()).toEqual(
    expect.arrayContaining(['nanzhao-sw', 'tanghe-sw', 'xichuan-sw']),
  );
  expect(alertsOf(slow)).toEqual([]); // nothing from the dropped backlog was sent
  fast.emit('close');
  slow.emit('close');
});

test('deltas are filtered by scope and filter; resume replays only what the client may see', async () => {
  const county = attach('xichuan-gw');
  // A whole-network witness: once it has both alerts, the county would have had zhenping's too.
  const city = attach(null);
  const from = (county.sent[0] as { seq: number }).seq;
  expect(county.sent[0]?.type).toBe('snapshot');
  takeDown(stack, 'zhenping-sw');
  takeDown(stack, 'xichuan-mcu');
  const cityHas = (node: string) => alertsOf(city).some((m) => m.alert.node === node);
  await eventually(() => (cityHas('zhenping-sw') && cityHas('xichuan-mcu') ? true : undefined));
  await eventually(() => (alertsOf(county).some((m) => m.alert.node === 'xichuan-mcu') ? true : undefined));
  expect(alertsOf(county).map((m) => m.alert.node)).toEqual(['xichuan-mcu']);
  city.emit('close');

  const resumed = attach('xichuan-gw', { minSeverity: 'critical' }, from);
  expect(resumed.sent.some((m) => m.type === 'snapshot' || m.type === 'resync')).toBe(false);
  expect(alertsOf(resumed).map((m) => m.alert.node)).toEqual(['xichuan-mcu']);
  const minor = attach('xichuan-gw', { minSeverity: 'critical', zones: ['internal'] }, from);
  expect(alertsOf(minor)).toEqual([]); // xichuan-mcu is in the video zone
});
