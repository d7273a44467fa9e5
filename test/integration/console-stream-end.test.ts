/**
 * A stream ends when the access it was opened with ends — sign-out, expiry, a password change, a
 * lock, removal of the user, revocation of the token, a change made by the CLI — within moments,
 * not at the next heartbeat (set to a minute here, so only the immediate path can pass).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { openIdentity } from '../../console/server';
import {
  addUser,
  login,
  PASSWORD,
  startStack,
  StreamClient,
  type Client,
  type Stack,
} from '../console/server/support';

let stack: Stack;
let admin: Client;

beforeAll(async () => {
  stack = await startStack({ stream: { heartbeatMs: 60_000, revalidateMs: 200 } });
  await addUser(stack, 'admin', 'sysadmin', null);
  admin = await login(stack.server.url, 'admin');
});
afterAll(() => stack.stop());

/** Resolves with the close code the server sent. */
function closed(client: StreamClient): Promise<number> {
  return new Promise((resolve) => {
    if (client.ws.readyState === WebSocket.CLOSED) return resolve(0);
    client.ws.once('close', (code) => resolve(code));
  });
}

async function openFor(username: string): Promise<{ user: Client; stream: StreamClient }> {
  await addUser(stack, username, 'operator', 'xichuan-gw');
  const user = await login(stack.server.url, username);
  const stream = await StreamClient.open(stack.server.url, user.cookie);
  stream.send({ type: 'subscribe', filter: {} });
  await stream.waitFor((message) => message.type === 'snapshot');
  return { user, stream };
}

test('signing out ends the stream', async () => {
  const { user, stream } = await openFor('out-user');
  const ended = closed(stream);
  expect((await user.api('/api/session', { method: 'DELETE' })).status).toBe(204);
  expect(await ended).toBe(4401);
});

test.each([
  ['a password change by an admin', { password: 'brand-new-password-1' }],
  ['a lock', { locked: true }],
  ['a scope change', { scope: 'ny-core' }],
])('%s ends the stream', async (_what, change) => {
  const name = `u-${Object.keys(change)[0] ?? 'x'}`;
  const { stream } = await openFor(name);
  const ended = closed(stream);
  expect((await admin.api(`/api/users/${name}`, { method: 'PATCH', body: change })).status).toBe(200);
  expect(await ended).toBe(4401);
});

test('removing the user ends the stream', async () => {
  const { stream } = await openFor('removed-user');
  const ended = closed(stream);
  expect((await admin.api('/api/users/removed-user', { method: 'DELETE' })).status).toBe(204);
  expect(await ended).toBe(4401);
});

test('revoking an API token ends the stream opened with it', async () => {
  const { user } = await openFor('token-user');
  const created = (await (
    await user.api('/api/tokens', { method: 'POST', body: { name: 'wall' } })
  ).json()) as {
    token: string;
    record: { id: number };
  };
  const ws = new WebSocket(`${stack.server.url.replace(/^http/, 'ws')}/api/stream`, {
    headers: { authorization: `Bearer ${created.token}` },
  });
  const stream = new StreamClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const ended = closed(stream);
  expect((await user.api(`/api/tokens/${created.record.id}`, { method: 'DELETE' })).status).toBe(204);
  expect(await ended).toBe(4401);
});

test('a password change made with the CLI (another process) ends the stream within the re-check period', async () => {
  const { stream } = await openFor('cli-user');
  const ended = closed(stream);
  const other = openIdentity(stack.dir);
  try {
    const changed = await other.users.update(
      'cli-user',
      { password: 'cli-set-password-1' },
      { actor: 'cli', from: 'local' },
    );
    expect(changed.ok).toBe(true);
  } finally {
    other.close();
  }
  expect(await ended).toBe(4401);
});

test('an expired session ends its stream', async () => {
  const short = await startStack({ stream: { heartbeatMs: 60_000, revalidateMs: 200 }, sessionTtlMs: 1_500 });
  try {
    await addUser(short, 'idle-user', 'viewer', null);
    const user = await login(short.server.url, 'idle-user');
    const stream = await StreamClient.open(short.server.url, user.cookie);
    expect(await closed(stream)).toBe(4401);
  } finally {
    await short.stop();
  }
}, 10_000);

test('the stream of a user who merely signs in again elsewhere goes on', async () => {
  const { stream } = await openFor('steady-user');
  await login(stack.server.url, 'steady-user', PASSWORD);
  stream.send({ type: 'ping', atMs: 1 });
  await stream.waitFor((message) => message.type === 'pong');
  expect(stream.ws.readyState).toBe(WebSocket.OPEN);
  await stream.close();
});
