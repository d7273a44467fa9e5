/**
 * The syslog receiver: UDP and TCP on one port (514 style), TLS on another, all bound to 127.0.0.1
 * unless configured otherwise, all feeding one intake. Start fails as a whole (a port in use, an
 * unreadable certificate): what was already listening is closed again.
 */
import type { Logger } from '../../common';
import type { AgentEndpoint, Inventory } from '../../domain';
import { DEFAULT_LOG_LIMITS, type LogReceiverLimits } from '../limits';
import { LogSenders } from '../senders';
import { emptyStats, type LogReceiverStats } from '../stats';
import { LogIntake, type EventSink } from './intake';
import type { StreamListener } from './tcp';
import { listenTcp } from './tcp';
import { listenTls, type TlsSettings } from './tls';
import { listenUdp, UDP_RECEIVE_BUFFER_BYTES, type UdpListener, type UdpReceive } from './udp';

/** Only this host can send logs unless an address is configured. */
export const DEFAULT_SYSLOG_ADDRESS = '127.0.0.1';

export interface SyslogReceiverOptions {
  /** UDP and TCP port (0: any free port, chosen separately for each). */
  port?: number;
  address?: string;
  /** TLS listener (RFC 5425). */
  tls?: Omit<TlsSettings, 'address'> & { address?: string };
  inventory: Pick<Inventory, 'nodes'>;
  /** Addresses of relays (rsyslog) whose lines name their node in the HOSTNAME field. */
  relays?: readonly string[];
  /** The simulator's agents (address:port each, all on 127.0.0.1): their UDP syslog maps by source port. */
  manifest?: readonly AgentEndpoint[];
  onEvent: EventSink;
  logger: Logger;
  limits?: Partial<LogReceiverLimits>;
  now?: () => number;
  /** How UDP datagrams are read (udp.ts): batched by the native receiver where built (the default), or dgram. */
  udpReceive?: UdpReceive;
}

export interface SyslogReceiver {
  readonly udpPort: number | null;
  readonly tcpPort: number | null;
  readonly tlsPort: number | null;
  /** How UDP datagrams are read, when UDP listens. */
  readonly udpReceivePath: UdpListener['receivePath'] | null;
  stats(): LogReceiverStats;
  close(): Promise<void>;
}

export async function startSyslogReceiver(options: SyslogReceiverOptions): Promise<SyslogReceiver> {
  const limits = { ...DEFAULT_LOG_LIMITS, ...options.limits };
  const address = options.address ?? DEFAULT_SYSLOG_ADDRESS;
  const stats = emptyStats();
  const intake = new LogIntake(
    new LogSenders(options.inventory, options.relays, options.manifest),
    options.onEvent,
    stats,
    options.logger,
    options.now ?? Date.now,
  );
  const listeners: (UdpListener | StreamListener)[] = [];
  const closeAll = () => Promise.all(listeners.map((l) => l.close())).then(() => undefined);
  try {
    let udp: UdpListener | null = null;
    let tcp: StreamListener | null = null;
    let tls: StreamListener | null = null;
    if (options.port !== undefined) {
      udp = await listenUdp(
        options.port,
        address,
        limits.maxUdpBytes,
        intake,
        options.logger,
        options.udpReceive,
      );
      listeners.push(udp);
      warnIfSmallBuffer(udp, options.logger);
      tcp = await listenTcp(options.port, address, limits, intake);
      listeners.push(tcp);
    }
    if (options.tls) {
      tls = await listenTls({ ...options.tls, address: options.tls.address ?? address }, limits, intake);
      listeners.push(tls);
    }
    return {
      udpPort: udp?.port ?? null,
      tcpPort: tcp?.port ?? null,
      tlsPort: tls?.port ?? null,
      udpReceivePath: udp?.receivePath ?? null,
      stats: () => ({ ...stats, kernelDropped: udp?.kernelDropped() ?? null }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Linux reports twice the size it granted; less than asked means bursts overflow sooner. */
function warnIfSmallBuffer(udp: UdpListener, logger: Logger): void {
  const grantedBytes = udp.receiveBufferBytes / 2;
  if (grantedBytes >= UDP_RECEIVE_BUFFER_BYTES) return;
  logger.warn(
    { grantedBytes, askedBytes: UDP_RECEIVE_BUFFER_BYTES },
    `syslog UDP: the kernel granted a ${Math.round(grantedBytes / 1024)} KiB receive buffer of the ${UDP_RECEIVE_BUFFER_BYTES / 1048576} MiB asked; ` +
      `a burst beyond it is dropped by the kernel (RcvbufErrors in /proc/net/snmp): raise it with sysctl -w net.core.rmem_max=${UDP_RECEIVE_BUFFER_BYTES}`,
  );
}
