/**
 * The live stream over a real WebSocket with the real alert engine: scope, cross-client ack
 * latency, resume after a drop (no loss, no duplicate), resync when the resume point is gone.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ServerMessage } from '../../console/shared';
import {
  addUser,
  eventually,
  isType,
  login,
  startStack,
  StreamClient,
  takeDown,
  type Stack,
} from '../console/server/support';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ liveFlushMs: 50 });
  await addUser(stack, 'city-a', 'operator', null);
  await addUser(stack, 'city-b', 'operator', null);
  await addUser(stack, 'xc-op', 'operator', 'xichuan-gw');
});
afterAll(() => stack.stop());

const seqOf = (message: ServerMessage): number | null => ('seq' in message ? message.seq : null);

test("a county operator's stream never carries another county's alert", async () => {
  const county = await login(stack.server.url, 'xc-op');
  const city = await login(stack.server.url, 'city-a');
  const countyStream = await StreamClient.open(stack.server.url, county.cookie);
  const cityStream = await StreamClient.open(stack.server.url, city.cookie);
  countyStream.send({ type: 'subscribe', filter: {} });
  cityStream.send({ type: 'subscribe', filter: {} });
  const snapshot = await countyStream.waitFor(isType('snapshot'));
  for (const node of snapshot.nodes)
    expect(stack.topology.isInSubtree(node.id as never, 'xichuan-gw' as never)).toBe(true);
  await cityStream.waitFor(isType('snapshot'));

  for (const node of ['nanzhao-sw', 'tanghe-sw', 'xichuan-mcu', 'dengzhou-gw']) takeDown(stack, node);
  await countyStream.waitFor((m): m is ServerMessage => m.type === 'alert' && m.alert.node === 'xichuan-mcu');
  await cityStream.waitFor((m): m is ServerMessage => m.type === 'alert' && m.alert.node === 'dengzhou-gw');
  // Deltas go to every client in one order: once the city has every foreign node's state change, the
  // county was offered them too.
  for (const node of ['nanzhao-sw', 'tanghe-sw', 'dengzhou-gw'])
    await cityStream.waitFor((m): m is ServerMessage => m.type === 'node.state' && m.node.id === node);
  const foreign = countyStream.messages.filter((message) => {
    if (message.type === 'alert')
      return !stack.topology.isInSubtree(message.alert.node as never, 'xichuan-gw' as never);
    if (message.type === 'node.state')
      return !stack.topology.isInSubtree(message.node.id as never, 'xichuan-gw' as never);
    return false;
  });
  expect(foreign).toEqual([]);
  const text = JSON.stringify(countyStream.messages);
  for (const other of ['nanzhao', 'tanghe', 'dengzhou', '南召', '唐河', '邓州'])
    expect(text).not.toContain(other);
  // The city stream did carry them: the filter is the scope, not a broken stream.
  expect(JSON.stringify(cityStream.messages)).toContain('nanzhao-sw');
  await countyStream.close();
  await cityStream.close();
});

test('an ack by one client is pushed to another as a change of that alert', async () => {
  takeDown(stack, 'sheqi-sw');
  const alert = await eventually(() =>
    stack.engine.list().find((candidate) => candidate.node === 'sheqi-sw' && candidate.ack === null),
  );
  const a = await login(stack.server.url, 'city-a');
  const b = await login(stack.server.url, 'city-b');
  const streamB = await StreamClient.open(stack.server.url, b.cookie);
  streamB.send({ type: 'subscribe', filter: {} });
  await streamB.waitFor(isType('snapshot'));
  const from = streamB.messages.length;
  const response = await a.api(`/api/alerts/${alert.id}/ack`, {
    method: 'POST',
    body: { comment: '已通知社旗县值班员' },
  });
  expect(response.status).toBe(200);
  const seen = await streamB.waitFor(
    (m): m is Extract<ServerMessage, { type: 'alert' }> =>
      m.type === 'alert' && m.alert.id === alert.id && m.alert.ack !== null,
    undefined,
    from,
  );
  expect(seen.alert.ack?.by).toBe('city-a');
  expect(seen.alert.ack?.comment).toBe('已通知社旗县值班员');
  // Pushed as it happened: no snapshot or resync was needed to bring it.
  expect(streamB.messages.slice(from).some((m) => m.type === 'snapshot' || m.type === 'resync')).toBe(false);
  await streamB.close();
});

test('a client that drops and reconnects resumes with no lost and no duplicated message', async () => {
  const user = await login(stack.server.url, 'city-a');
  const witness = await StreamClient.open(stack.server.url, user.cookie);
  witness.send({ type: 'subscribe', filter: {} });
  await witness.waitFor(isType('snapshot'));

  const first = await StreamClient.open(stack.server.url, user.cookie);
  first.send({ type: 'subscribe', filter: {} });
  await first.waitFor(isType('snapshot'));
  takeDown(stack, 'neixiang-sw');
  await first.waitFor((m): m is ServerMessage => m.type === 'alert' && m.alert.node === 'neixiang-sw');
  const lastSeq = Math.max(...first.messages.map(seqOf).filter((seq): seq is number => seq !== null));
  await first.close();

  // While it is away: more alerts and state changes.
  for (const node of ['tongbai-sw', 'xinye-sw', 'zhenping-mcu']) takeDown(stack, node);
  await witness.waitFor((m): m is ServerMessage => m.type === 'alert' && m.alert.node === 'zhenping-mcu');

  const second = await StreamClient.open(stack.server.url, user.cookie);
  second.send({ type: 'subscribe', filter: {}, resumeFrom: lastSeq });
  takeDown(stack, 'fangcheng-sw'); // and one after the reconnect
  await second.waitFor((m): m is ServerMessage => m.type === 'alert' && m.alert.node === 'fangcheng-sw');
  await witness.waitFor((m): m is ServerMessage => m.type === 'alert' && m.alert.node === 'fangcheng-sw');

  expect(second.messages.some((m) => m.type === 'snapshot' || m.type === 'resync')).toBe(false);
  const deltas = (client: StreamClient) =>
    client.messages
      .filter((m) => m.type === 'alert' || m.type === 'node.state' || m.type === 'link.state')
      .map((m) => seqOf(m) as number)
      .filter((seq) => seq > lastSeq);
  const resumed = deltas(second);
  const upTo = Math.max(...resumed);
  expect(resumed.length).toBeGreaterThan(3);
  expect(new Set(resumed).size).toBe(resumed.length); // no duplicate
  expect(resumed).toEqual([...resumed].sort((x, y) => x - y)); // in order
  expect(resumed).toEqual(deltas(witness).filter((seq) => seq <= upTo)); // nothing lost
  await second.close();
  await witness.close();
});

test('a resume point the server no longer holds gets resync and a fresh snapshot', async () => {
  const user = await login(stack.server.url, 'city-b');
  const stream = await StreamClient.open(stack.server.url, user.cookie);
  stream.send({ type: 'subscribe', filter: {}, resumeFrom: 5 });
  await stream.waitFor(isType('resync'));
  const snapshot = await stream.waitFor(isType('snapshot'));
  expect(snapshot.seq).toBe(stack.server.hub.currentSeq());
  await stream.close();
});

test('a subscription outside the scope is refused; ping answers pong', async () => {
  const county = await login(stack.server.url, 'xc-op');
  const stream = await StreamClient.open(stack.server.url, county.cookie);
  stream.send({ type: 'subscribe', filter: { subtree: 'nanzhao-gw' } });
  const error = await stream.waitFor(isType('error'));
  expect(error.message).toContain('nanzhao-gw');
  stream.send({ type: 'ping', atMs: 42 });
  expect((await stream.waitFor(isType('pong'))).atMs).toBe(42);
  await stream.close();
});

test('the stream refuses an upgrade without a session', async () => {
  await expect(StreamClient.open(stack.server.url, 'egov_session=forged')).rejects.toThrow('401');
});

test('signing out ends the stream at the next heartbeat', async () => {
  const short = await startStack({ stream: { heartbeatMs: 100 } });
  try {
    await addUser(short, 'op', 'operator', null);
    const user = await login(short.server.url, 'op');
    const stream = await StreamClient.open(short.server.url, user.cookie);
    stream.send({ type: 'subscribe', filter: {} });
    await stream.waitFor(isType('heartbeat'));
    const closed = new Promise<number>((resolve) => stream.ws.once('close', (code) => resolve(code)));
    expect((await user.api('/api/session', { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe(4401);
  } finally {
    await short.stop();
  }
});

test('a changed scope ends the stream; a foreign Origin is refused', async () => {
  const short = await startStack({ stream: { heartbeatMs: 100 } });
  try {
    await addUser(short, 'admin', 'sysadmin', null);
    await addUser(short, 'mover', 'operator', 'xichuan-gw');
    const mover = await login(short.server.url, 'mover');
    const stream = await StreamClient.open(short.server.url, mover.cookie);
    stream.send({ type: 'subscribe', filter: {} });
    await stream.waitFor(isType('snapshot'));
    const closed = new Promise<number>((resolve) => stream.ws.once('close', (code) => resolve(code)));
    const admin = await login(short.server.url, 'admin');
    expect(
      (await admin.api('/api/users/mover', { method: 'PATCH', body: { scope: 'nanzhao-gw' } })).status,
    ).toBe(200);
    expect(await closed).toBe(4401);

    const foreign = new WebSocket(`${short.server.url.replace('http', 'ws')}/api/stream`, {
      headers: { cookie: mover.cookie, origin: 'https://evil.example' },
    });
    const status = await new Promise<number>((resolve) =>
      foreign.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  } finally {
    await short.stop();
  }
});
