/** Syslog over UDP (RFC 5426): one message per datagram, cut at the size limit. */
import { createSocket, type Socket } from 'node:dgram';
import type { LogIntake } from './intake';

const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpListener {
  readonly port: number;
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
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
