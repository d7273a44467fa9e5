/** Syslog over UDP (RFC 5426): one message per datagram, cut at the size limit. */
import { createSocket, type Socket } from 'node:dgram';
import type { LogIntake } from './intake';

/**
 * The kernel buffer asked for: at 20,000 messages/s it rides out a pause of the event loop (a
 * garbage collection, a batch handed to the store's writer) of about a second. Linux grants at most
 * net.core.rmem_max (Debian's default 208 KiB); `receiveBufferBytes` says what was granted.
 */
export const UDP_RECEIVE_BUFFER_BYTES = 32 * 1024 * 1024;

export interface UdpListener {
  readonly port: number;
  /** The receive buffer the kernel granted (it reports twice the size set, its bookkeeping included). */
  readonly receiveBufferBytes: number;
  close(): Promise<void>;
}

export function listenUdp(
  port: number,
  address: string,
  maxBytes: number,
  intake: LogIntake,
): Promise<UdpListener> {
  // A larger kernel buffer rides out bursts (Linux caps it at net.core.rmem_max).
  const socket: Socket = createSocket({
    type: address.includes(':') ? 'udp6' : 'udp4',
    recvBufferSize: UDP_RECEIVE_BUFFER_BYTES,
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
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
