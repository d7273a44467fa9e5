/**
 * Syslog over UDP through the native batched receiver (native/udp-batch): recvmmsg(2) takes up to 64
 * datagrams per system call and JavaScript is entered once per batch, not once per datagram. On a
 * loopback flood that halves the receive cost of Node's dgram (`npm run bench -- syslog`). Linux
 * only; built by npm when it installs the package (node-gyp, with the toolchain better-sqlite3
 * needs too). Where it is missing, udp.ts falls back to dgram.
 */
import { createRequire } from 'node:module';
import type { LogIntake } from './intake';
import type { UdpListener } from './udp-dgram';

type UdpBatchAddon = typeof import('@egov-noc/udp-batch');

let loaded: UdpBatchAddon | Error | undefined;

/** The addon, or why it cannot be loaded (not built, not Linux): asked once per process. */
export function udpBatchAddon(): UdpBatchAddon | Error {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@egov-noc/udp-batch') as UdpBatchAddon;
    } catch (error) {
      loaded = error instanceof Error ? error : new Error(String(error));
    }
  }
  return loaded;
}

export function listenUdpBatched(
  addon: UdpBatchAddon,
  port: number,
  address: string,
  maxBytes: number,
  receiveBufferBytes: number,
  intake: LogIntake,
): UdpListener {
  const receiver = addon.open(address, port, receiveBufferBytes, maxBytes, (data, info, addresses, count) => {
    let start = 0;
    for (let i = 0; i < count; i++) {
      const end = info[3 * i] as number;
      intake.take({
        bytes: data.subarray(start, end),
        senderAddress: addresses[i] as string,
        senderPort: info[3 * i + 1],
        // The kernel cut a datagram longer than the slot (maxBytes) and said so (MSG_TRUNC).
        oversized: info[3 * i + 2] === 1,
        truncated: false,
      });
      start = end;
    }
  });
  // The kernel's count is 32 bits and wraps: follow it by its increments.
  let lastReading = 0;
  let dropped = 0;
  const kernelDropped = (): number | null => {
    const reading = receiver.kernelDrops();
    if (reading < 0) return null;
    dropped += (reading - lastReading) >>> 0;
    lastReading = reading;
    return dropped;
  };
  return {
    port: receiver.localPort(),
    receiveBufferBytes: receiver.receiveBufferBytes(),
    receivePath: 'recvmmsg',
    kernelDropped,
    close: () => new Promise<void>((done) => receiver.close(done)),
  };
}
