/**
 * collector/ — polls every inventory node by SNMP, turns counters into rates, writes metrics to the
 * MetricsStore and events to the EventBus, receives traps, and watches itself.
 */
export {
  startCollector,
  type CollectorOptions,
  type CollectorStats,
  type CollectorStatus,
  type PollOutcome,
  type RunningCollector,
} from './collector';
export {
  createCollectorMetrics,
  startCollectorOps,
  type CollectorMetrics,
  type CollectorOps,
  type CollectorOpsOptions,
  type SyslogCounts,
} from './ops-http';
export { startTrapReceiver, type TrapReceiver, type TrapReceiverStats } from './traps/receiver';
export {
  SightingGate,
  sightingKey,
  type Sighting,
  type SightingGateOptions,
  type SightingStats,
} from './unmanaged/sightings';
export { proposeEntry } from './unmanaged/proposal';
export type { CollectorSnapshot } from './self-monitor';
export {
  startLeases,
  leaseKey,
  memberKey,
  type LeaseRecord,
  type MemberRecord,
  type RunningLeases,
} from './leases';
export { assignNodes, shareGroups, SHARE_MODES, type ShareMode } from './leases-assignment';
export { leasesBucket, memberIdOf } from './leases-bucket';
export {
  BASELINES_FILE,
  BaselineStore,
  loadChecks,
  parseChecks,
  startServiceChecks,
  type RunningServiceChecks,
  type ServiceCheck,
  type ServiceChecksStats,
} from './checks';
export {
  discover,
  newDiscoverProgress,
  parseRange,
  totalAddresses,
  renderProposal,
  diffInventory,
  diffIsEmpty,
  formatDiff,
  TokenBucket,
  MAX_ADDRESSES,
  type AddressRange,
  type DiscoverOptions,
  type DiscoverProgress,
  type DiscoverResult,
  type InventoryDiff,
  type Proposal,
} from './discovery';
