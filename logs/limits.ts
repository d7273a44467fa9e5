/** Every buffer the receiver fills is bounded by one of these. */
export interface LogReceiverLimits {
  /** Longest UDP datagram kept whole; longer ones are cut here (RFC 5426 asks for at least 2 KiB). */
  maxUdpBytes: number;
  /** Longest TCP/TLS frame kept whole; longer ones are cut here and the rest discarded. */
  maxFrameBytes: number;
  /** TCP and TLS connections at once (each transport); more are refused and counted. */
  maxConnections: number;
  /** A connection that sends nothing this long is closed (its partial frame counted truncated). */
  idleTimeoutMs: number;
  /** A TLS handshake not finished this long is abandoned. */
  handshakeTimeoutMs: number;
}

export const DEFAULT_LOG_LIMITS: LogReceiverLimits = {
  maxUdpBytes: 8 * 1024,
  maxFrameBytes: 64 * 1024,
  maxConnections: 512,
  idleTimeoutMs: 5 * 60_000,
  handshakeTimeoutMs: 10_000,
};
