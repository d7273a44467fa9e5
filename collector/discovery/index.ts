/**
 * collector/discovery — `egov-noc discover`: sweep address ranges at a bounded rate with each
 * credential set, identify what answers (profile, ENTITY-MIB, LLDP), and propose an inventory or a
 * diff against an existing one.
 */
export {
  discover,
  newDiscoverProgress,
  type DiscoverOptions,
  type DiscoverProgress,
  type DiscoverResult,
} from './discover';
export { parseRange, totalAddresses, MAX_ADDRESSES, type AddressRange } from './range';
export { renderProposal } from './render';
export { diffInventory, diffIsEmpty, formatDiff, type InventoryDiff } from './diff';
export type { Proposal, ProposedNode, ProposedLink } from './proposal';
export { TokenBucket, type BucketClock } from './token-bucket';
