/**
 * logs/ — device logs in, security events out: the syslog receiver (UDP, TCP, TLS), decoding (UTF-8,
 * GBK, raw), one parser per log format, classification into the security taxonomy, sender → node,
 * the per-node/category counts for the MetricsStore, and the log store (store/).
 */
export {
  DEFAULT_SYSLOG_ADDRESS,
  startSyslogReceiver,
  type SyslogReceiver,
  type SyslogReceiverOptions,
} from './receiver/index';
export type { EventSink } from './receiver/intake';
export { UDP_RECEIVE_BUFFER_BYTES, type UdpReceive } from './receiver/udp';
export { DEFAULT_LOG_LIMITS, type LogReceiverLimits } from './limits';
export type { LogReceiverStats } from './stats';
export { readEvent, type ReadEvent, type ReceivedBytes } from './read-event';
export { parseLogLine, type ParsedLine } from './parsers/index';
export { decodeLine, type DecodedLine, type LineEncoding } from './decode';
export { LogSenders } from './senders';
export { SECURITY_MEASUREMENT, startSecurityCounts, type SecurityCounter } from './security-counts';
export {
  DEFAULT_RETENTION_DAYS,
  LEGAL_MINIMUM_RETENTION_DAYS,
  LogQueryError,
  describeLogStoreSpec,
  openLogStore,
  parseLogStoreSpec,
  startRetentionSchedule,
  type CountsQuery,
  type LogCounts,
  type LogPage,
  type LogQuery,
  type LogStore,
  type LogStoreHealth,
  type LogStoreOptions,
  type RetentionResult,
} from './store/index';
