/** Debian's nats-server on a free loopback port, for tests that cross a real NATS bus. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { connect } from 'node:net';
import { waitUntil } from './wait';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * With `account`, the server refuses clients that do not log in with it. `jetstream`: a directory
 * for JetStream's store (nats-server -js). `args`: more flags (TLS, a config file).
 */
export async function startNatsServer(
  account?: { user: string; pass: string },
  more: { jetstream?: string; args?: string[] } = {},
): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const auth = account ? ['--user', account.user, '--pass', account.pass] : [];
  const jetstream = more.jetstream === undefined ? [] : ['-js', '-sd', more.jetstream];
  const args = ['-a', '127.0.0.1', '-p', String(port), ...auth, ...jetstream, ...(more.args ?? [])];
  const child = spawn('/usr/sbin/nats-server', args, { stdio: 'ignore' });
  await waitUntil(
    `nats-server to accept connections on ${port}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`nats-server exited at start-up (port ${port})`);
      return accepting(port);
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
