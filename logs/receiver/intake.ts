/**
 * Where every transport hands its messages: each becomes a SecurityEvent, is counted and goes to the
 * sink. Nothing here throws back into a socket handler: a failing sink is counted as a drop and logged
 * (rate-limited, without the message: a log line can hold a password typed as a user name).
 */
import type { Logger } from '../../common';
import type { SecurityEvent } from '../../domain';
import { readEvent } from '../read-event';
import type { LogSenders } from '../senders';
import type { LogReceiverStats } from '../stats';

export interface IntakeMessage {
  bytes: Uint8Array;
  senderAddress: string;
  senderPort?: number | undefined;
  oversized: boolean;
  truncated: boolean;
}

export type EventSink = (event: SecurityEvent) => void;

/** The first 100 of a kind, then every 1000th: a flood must not become a log flood. */
export function worthLogging(count: number): boolean {
  return count <= 100 || count % 1000 === 0;
}

export class LogIntake {
  constructor(
    private readonly senders: LogSenders,
    private readonly sink: EventSink,
    readonly stats: LogReceiverStats,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  take(message: IntakeMessage): void {
    const stats = this.stats;
    stats.received++;
    if (message.oversized) stats.oversized++;
    if (message.truncated) stats.truncated++;
    try {
      const { event, encoding, parsed } = readEvent(
        {
          bytes: message.bytes,
          senderAddress: message.senderAddress,
          senderPort: message.senderPort,
          receivedAtMs: this.now(),
          incomplete: message.oversized || message.truncated,
        },
        this.senders,
      );
      if (parsed) stats.parsed++;
      if (encoding === 'binary') stats.malformed++;
      if (event.node === null) {
        stats.unknownSenders++;
        if (worthLogging(stats.unknownSenders))
          this.logger.info(
            {
              sender: event.senderAddress,
              hostname: event.hostname?.slice(0, 64),
              count: stats.unknownSenders,
            },
            'syslog from an unknown sender (kept, no node)',
          );
      }
      this.sink(event);
    } catch (error) {
      stats.dropped++;
      if (worthLogging(stats.dropped))
        this.logger.error(
          { sender: message.senderAddress, reason: (error as Error).message, count: stats.dropped },
          'syslog message dropped',
        );
    }
  }

  /** A connection was refused: whatever it would have sent is lost. */
  refused(address: string | undefined, reason: string): void {
    this.stats.refusedConnections++;
    if (worthLogging(this.stats.refusedConnections))
      this.logger.warn({ sender: address ?? 'unknown', reason }, 'syslog connection refused');
  }
}
