/** What the receiver counts, for the status line, the bench and the tests. */
export interface LogReceiverStats {
  /** Messages (datagrams, TCP/TLS frames) received. */
  received: number;
  /** Messages whose syslog header or vendor format was recognized (the rest are kept as generic). */
  parsed: number;
  /** Messages from an address that is no inventory node (nor a relay naming one): kept, node null. */
  unknownSenders: number;
  /** Messages longer than the limit: the first limit bytes kept, the rest discarded. */
  oversized: number;
  /** Frames cut short by the sender closing or idling (a declared length not delivered, no newline at the end). */
  truncated: number;
  /** Messages that were not text (neither UTF-8 nor GBK, or control characters): kept as raw bytes. */
  malformed: number;
  /** Messages lost: the event sink failed, or a connection was refused over the connection limit. */
  dropped: number;
  /** TCP/TLS connections refused (over the limit, or a TLS handshake that failed). */
  refusedConnections: number;
  /**
   * UDP datagrams the kernel dropped before the receiver read them (its socket's receive buffer was
   * full), as the socket counts them; null where the receive path cannot tell (Node's dgram).
   */
  kernelDropped: number | null;
}

export function emptyStats(): LogReceiverStats {
  return {
    received: 0,
    parsed: 0,
    unknownSenders: 0,
    oversized: 0,
    truncated: 0,
    malformed: 0,
    dropped: 0,
    refusedConnections: 0,
    kernelDropped: null,
  };
}
