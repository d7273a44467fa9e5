/** One batch of datagrams (see src/udp_batch.c): payloads end to end, [end, port, cut] per message. */
export type OnBatch = (data: Buffer, info: Int32Array, addresses: string[], count: number) => void;

export interface BatchReceiver {
  localPort(): number;
  /** SO_RCVBUF as the kernel reports it (twice the size granted). */
  receiveBufferBytes(): number;
  /** Datagrams the kernel dropped for this socket before they were read (32 bits, wrapping); -1: unknown. */
  kernelDrops(): number;
  close(callback?: () => void): void;
}

export function open(
  address: string,
  port: number,
  receiveBufferBytes: number,
  maxMessageBytes: number,
  onBatch: OnBatch,
): BatchReceiver;

/** Datagrams taken by one recvmmsg call at most. */
export const batchMax: number;
