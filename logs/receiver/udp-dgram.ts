/**
 * Syslog over UDP through Node's dgram: one system call and one entry into JavaScript per datagram.
 * Where the native batched receiver (udp-batched.ts) is not built, and when asked for.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { LogIntake } from './intake';

export interface UdpListener {
  readonly port: number;
  /** The receive buffer the kernel granted (it reports twice the size set, its bookkeeping included). */
  readonly receiveBufferBytes: number;
  /** How datagrams are read: recvmmsg batches (native) or Node's dgram. */
  readonly receivePath: 'recvmmsg' | 'dgram';
  /** Datagrams the kernel dropped for this socket before they were read; null where the path cannot tell. */
  kernelDropped(): number | null;
  close(): Promise<void>;
}

export function listenUdpDgram(
  port: number,
  address: string,
  maxBytes: number,
  receiveBufferBytes: number,
  intake: LogIntake,
): Promise<UdpListener> {
  const socket: Socket = createSocket({
    type: address.includes(':') ? 'udp6' : 'udp4',
    recvBufferSize: receiveBufferBytes,
  });
  socket.on('message', (datagram, from) => {
    const oversized = datagram.length > maxBytes;
    intake.take({
      bytes: oversized ? datagram.subarray(0, maxBytes) : datagram,
      senderAddress: from.address,
      senderPort: from.port,
      oversized,
      truncated: false,
    });
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      // After start-up a socket error (ICMP noise, buffer) must not end the receiver.
      socket.on('error', () => undefined);
      resolve({
        port: socket.address().port,
        receiveBufferBytes: socket.getRecvBufferSize(),
        receivePath: 'dgram',
        // Node's dgram does not expose the socket's drop count (only the host-wide RcvbufErrors).
        kernelDropped: () => null,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
