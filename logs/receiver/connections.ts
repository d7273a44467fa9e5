/**
 * One TCP or TLS connection: framed, bounded, closed when idle; never an exception out of a handler.
 * Servers track their sockets so `close()` ends them instead of waiting for senders to hang up.
 */
import type { Socket } from 'node:net';
import type { LogIntake } from './intake';
import { StreamFramer } from './stream-framer';

export function serveConnection(
  socket: Socket,
  maxFrameBytes: number,
  idleTimeoutMs: number,
  intake: LogIntake,
  open: Set<Socket>,
): void {
  const senderAddress = socket.remoteAddress ?? 'unknown';
  const framer = new StreamFramer(maxFrameBytes, (frame) =>
    intake.take({
      bytes: frame.bytes,
      senderAddress,
      oversized: frame.oversized,
      truncated: frame.truncated,
    }),
  );
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    open.delete(socket);
    framer.end();
  };
  open.add(socket);
  socket.setTimeout(idleTimeoutMs, () => socket.destroy());
  socket.on('data', (data: Buffer) => framer.push(data));
  socket.on('end', finish);
  socket.on('close', finish);
  socket.on('error', () => socket.destroy());
}

export function closeServer(server: { close(done: () => void): unknown }, open: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of open) socket.destroy();
  });
}
