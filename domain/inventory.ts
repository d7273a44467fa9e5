import type { SnmpCredentials } from './credentials';
import type { DeviceRole, InventoryNode, Link, NetworkInfo, NodeId, Tier, VideoLink } from './topology';

/** The whole inventory file, loaded and checked: the network, its polling policy and its PKI plan. */

export interface PollingPolicy {
  defaultIntervalS: number;
  byTier: Partial<Record<Tier, number>>;
  byRole: Partial<Record<DeviceRole, number>>;
}

export interface PkiBranchConfig {
  id: string;
  name: string;
  commonName: string;
  /** DNS domains this branch may issue under (name constraints). */
  domains: string[];
  /** IPv4 CIDRs this branch may issue addresses in (name constraints). */
  subnets: string[];
  /** Subtree roots this branch issues for; a node is served by the branch whose subtree holds it. */
  subtrees: NodeId[];
  validityYears: number;
}

export interface PkiConfig {
  root: { commonName: string; organization: string; country: string; validityYears: number };
  branches: PkiBranchConfig[];
  /** Base URL the certificates name for CRL and OCSP, e.g. http://127.0.0.1:8080/pki */
  publicBaseUrl: string;
}

export interface Inventory {
  file: string;
  network: NetworkInfo;
  nodes: InventoryNode[];
  links: Link[];
  videoLinks: VideoLink[];
  credentials: Map<string, SnmpCredentials>;
  polling: PollingPolicy;
  pki: PkiConfig | null;
  /** Entries of the file's `checks:` list (service checks, read and run by the collector). */
  serviceCheckCount: number;
}
