/**
 * Syslog over UDP (RFC 5426): one message per datagram, cut at the size limit. Read in batches by
 * the native receiver where it is built (udp-batched.ts), else one by one through Node's dgram
 * (udp-dgram.ts); the messages and what is counted are the same either way.
 */
import type { Logger } from '../../common';
import type { LogIntake } from './intake';
import { listenUdpBatched, udpBatchAddon } from './udp-batched';
import { listenUdpDgram, type UdpListener } from './udp-dgram';

export type { UdpListener } from './udp-dgram';

/**
 * The kernel buffer asked for: at 20,000 messages/s it rides out a pause of the event loop (a
 * garbage collection, a batch handed to the store's writer) of about a second. Linux grants at most
 * net.core.rmem_max (Debian's default 208 KiB); `receiveBufferBytes` says what was granted.
 */
export const UDP_RECEIVE_BUFFER_BYTES = 32 * 1024 * 1024;

/** `auto`: batched where the native receiver loads, else dgram; `dgram`: Node's dgram always. */
export type UdpReceive = 'auto' | 'dgram';

export async function listenUdp(
  port: number,
  address: string,
  maxBytes: number,
  intake: LogIntake,
  logger: Logger,
  receive: UdpReceive = 'auto',
  addon = receive === 'auto' ? udpBatchAddon() : null,
): Promise<UdpListener> {
  if (addon !== null) {
    if (!(addon instanceof Error))
      return listenUdpBatched(addon, port, address, maxBytes, UDP_RECEIVE_BUFFER_BYTES, intake);
    logger.warn(
      { reason: addon.message.split('\n')[0] },
      'syslog UDP: the native batched receiver (native/udp-batch) is not built here; reading one datagram at a time through node:dgram, at about half the rate per core (npm rebuild @egov-noc/udp-batch builds it)',
    );
  }
  return listenUdpDgram(port, address, maxBytes, UDP_RECEIVE_BUFFER_BYTES, intake);
}
