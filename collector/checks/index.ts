/** Service checks (HTTP(S), TLS, DNS, TCP, ICMP through fping) on the nodes that host or reach them. */
export { loadChecks, parseChecks, type ChecksResult } from './config';
export { targetOf, type ServiceCheck } from './check';
export { parseFpingOutput } from './fping';
export { significantContent, sha256 } from './content';
export {
  BASELINES_FILE,
  BaselineStore,
  type BaselineChange,
  type RebaselineRequest,
  type StoredBaseline,
} from './baselines';
export {
  pointOf,
  startServiceChecks,
  type RunningServiceChecks,
  type ServiceChecksOptions,
  type ServiceChecksStats,
} from './runner';
