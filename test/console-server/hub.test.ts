/** The stream hub's backpressure: a slow client gets resync, then a snapshot once drained; others never wait. */
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { expect, test } from 'vitest';
import type { Alert } from '../../alerts/types';
import { Scope } from '../../console/server/access';
import { LiveState } from '../../console/server/live-state';
import { StreamHub } from '../../console/server/stream/hub';
import type { ServerMessage } from '../../console/shared/api';
import { loadNanyang } from './support';

/** Just enough of a ws socket: what the hub sends, and a bufferedAmount the test controls. */
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

const topology = loadNanyang();
const alert = (id: string, node: string): Alert => ({
  id,
  fingerprint: id,
  rule: 'node-unreachable',
  severity: 'critical',
  status: 'firing',
  summary: '',
  params: {},
  labels: {},
  node: node as never,
  nodePath: [],
  startsAtMs: 0,
  updatedAtMs: 0,
  resolvedAtMs: null,
  ack: null,
  impacted: [],
  suppressedBy: null,
  silencedBy: [],
  escalatedAtMs: null,
  repeats: 0,
  evidence: [],
});

function makeHub(heartbeatMs = 60_000) {
  const open: Alert[] = [];
  const live = new LiveState(topology);
  const ports = { list: () => open } as never;
  const hub = new StreamHub(topology, live, ports, pino({ level: 'silent' }), {
    maxBufferedBytes: 10_000,
    heartbeatMs,
  });
  const attach = (root: string | null) => {
    const socket = new FakeSocket();
    hub.attach(socket as never, {
      username: 'u',
      scope: new Scope(topology, root as never),
      stillValid: () => true,
    });
    socket.receive({ type: 'subscribe', filter: {} });
    return socket;
  };
  return { hub, open, attach };
}

test('a slow client gets resync and later a snapshot; a fast one gets every delta', () => {
  const { hub, open, attach } = makeHub();
  const fast = attach(null);
  const slow = attach(null);
  expect(slow.sent.map((m) => m.type)).toEqual(['snapshot']);

  slow.bufferedAmount = 50_000; // the peer stopped reading
  for (let i = 0; i < 5; i += 1) {
    const a = alert(`a${i}`, 'xichuan-sw');
    open.push(a);
    hub.publishAlert('opened', a);
  }
  expect(slow.sent.map((m) => m.type)).toEqual(['snapshot', 'resync']);
  expect(fast.sent.filter((m) => m.type === 'alert')).toHaveLength(5);

  slow.bufferedAmount = 0; // drained
  const last = alert('a5', 'xichuan-sw');
  open.push(last);
  hub.publishAlert('opened', last);
  const after = slow.sent.slice(2);
  expect(after.map((m) => m.type)).toEqual(['snapshot']);
  const snapshot = after[0] as Extract<ServerMessage, { type: 'snapshot' }>;
  expect(snapshot.seq).toBe(hub.currentSeq());
  expect(snapshot.alerts.map((a) => a.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
  expect(fast.sent.filter((m) => m.type === 'alert')).toHaveLength(6);
  hub.close();
});

test('a client that drains without new deltas gets its snapshot at the next heartbeat', async () => {
  const { hub, open, attach } = makeHub(30);
  const slow = attach(null);
  slow.bufferedAmount = 50_000;
  const a = alert('b0', 'nanzhao-sw');
  open.push(a);
  hub.publishAlert('opened', a);
  expect(slow.sent.at(-1)?.type).toBe('resync');
  slow.bufferedAmount = 0;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(slow.sent.some((m, i) => i > 1 && m.type === 'snapshot')).toBe(true);
  hub.close();
});

test('deltas are filtered by scope and filter; resume replays only what the client may see', () => {
  const { hub, attach } = makeHub();
  const county = attach('xichuan-gw');
  hub.publishAlert('opened', alert('c0', 'nanzhao-sw'));
  hub.publishAlert('opened', alert('c1', 'xichuan-sw'));
  hub.publishAlert('opened', { ...alert('c2', 'xichuan-mcu'), severity: 'warning' });
  expect(county.sent.filter((m) => m.type === 'alert').map((m) => (m as { alert: Alert }).alert.id)).toEqual([
    'c1',
    'c2',
  ]);

  const again = new FakeSocket();
  hub.attach(again as never, {
    username: 'u',
    scope: new Scope(topology, 'xichuan-gw' as never),
    stillValid: () => true,
  });
  const snapshotSeq = (county.sent[0] as { seq: number }).seq;
  again.receive({ type: 'subscribe', filter: { minSeverity: 'major' }, resumeFrom: snapshotSeq });
  expect(again.sent.map((m) => (m.type === 'alert' ? m.alert.id : m.type))).toEqual(['c1']);
  hub.close();
});
