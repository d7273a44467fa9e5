import type { AlertChangeEvent } from './alert';
import type { MetricPoint } from './metric-point';
import type { SecurityEvent } from './security-event';
import type { NodeId } from './topology';

/**
 * Everything that crosses a part boundary travels as one of these events. The union is exhaustive:
 * add a variant here (and nowhere else) when a part has something new to say.
 */

/** A batch of normalized samples from one poll of one node. */
export interface SamplesEvent {
  type: 'samples';
  node: NodeId;
  timeMs: number;
  points: MetricPoint[];
}

export type Reachability = 'reachable' | 'unreachable';

/** A node started or stopped answering polls (after N missed polls). */
export interface NodeStateEvent {
  type: 'node.state';
  node: NodeId;
  timeMs: number;
  state: Reachability;
  /** Why, in words an operator understands: "timeout after 3 polls", "authentication failed". */
  reason: string;
}

/** An interface's ifOperStatus changed between two polls (or a trap said so). */
export interface InterfaceStateEvent {
  type: 'interface.state';
  node: NodeId;
  timeMs: number;
  ifIndex: number;
  ifName: string;
  state: 'up' | 'down';
  source: 'poll' | 'trap';
}

/** sysUpTime went backwards (or a coldStart/warmStart trap arrived): the device restarted. */
export interface NodeRebootEvent {
  type: 'node.reboot';
  node: NodeId;
  timeMs: number;
  source: 'poll' | 'trap';
  uptimeS: number;
}

/** A trap received from a known node (already tied to the inventory). */
export interface TrapEvent {
  type: 'trap';
  node: NodeId;
  timeMs: number;
  trap: 'linkDown' | 'linkUp' | 'coldStart' | 'warmStart' | 'authenticationFailure' | 'other';
  trapOid: string;
  ifIndex: number | null;
  varbinds: Array<{ oid: string; value: string }>;
}

/** Links the device sees (LLDP) that the inventory lacks, and inventory links not seen. */
export interface TopologyDriftEvent {
  type: 'topology.drift';
  node: NodeId;
  timeMs: number;
  unknownNeighbours: Array<{ localIfName: string; remoteSysName: string; remotePort: string }>;
  missingLinks: string[];
}

/** The collector's own health, once per status period. */
export interface CollectorHealthEvent {
  type: 'collector.health';
  collector: string;
  timeMs: number;
  pollsPs: number;
  timeoutsPs: number;
  queueLagMs: number;
  spoolPoints: number;
  droppedPoints: number;
  storeUp: boolean;
}

/** A certificate is nearing expiry (30/7/1 days) or has expired. */
export interface CertificateExpiryEvent {
  type: 'certificate.expiry';
  node: NodeId | null;
  timeMs: number;
  serial: string;
  subject: string;
  notAfterMs: number;
  daysLeft: number;
}

/** One delivery of the scheduled monthly report to one target (serve's reportSchedule). */
export interface ReportDeliveryEvent {
  type: 'report.delivery';
  timeMs: number;
  /** The month delivered, YYYY-MM. */
  month: string;
  target: 'folder' | 'webhook';
  ok: boolean;
  /** Why it failed (already redacted: no secrets); null when delivered. */
  error: string | null;
  /** Failed attempts at this month so far (0 when delivered). */
  attempts: number;
  /** The schedule gave up on this month (its retries are used up). */
  gaveUp: boolean;
}

/** Kinds of service check the collector runs (collector/checks/). */
export type ServiceCheckKind = 'http' | 'tls' | 'dns' | 'tcp' | 'icmp';

/** Why a service check failed (the `checkfail.<code>` texts of domain/alert-texts-*.ts). */
export type ServiceCheckFailure =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'no-name'
  | 'unreachable'
  | 'status'
  | 'text-missing'
  | 'certificate'
  | 'redirects'
  | 'no-certificate'
  | 'loss'
  | 'dns-mismatch'
  | 'fping'
  | 'failed';

/** A service's certificate as a tls or https check saw it. */
export interface ServiceCertificate {
  subject: string;
  notAfterMs: number;
  daysLeft: number;
  /** Chain (our CA or the system's) and host name verified. */
  valid: boolean;
  /** Why not valid, in the TLS library's fixed words (e.g. CERT_HAS_EXPIRED, hostname mismatch). */
  error: string | null;
}

/**
 * One run of one service check (HTTP(S), TLS, DNS, TCP, ICMP) attached to the node that hosts or
 * reaches the service, so correlation folds it under an outage above that node.
 */
export interface ServiceCheckEvent {
  type: 'service.check';
  node: NodeId;
  timeMs: number;
  check: string;
  kind: ServiceCheckKind;
  /** What was checked, never with credentials: a URL without userinfo or query, host:port, a name. */
  target: string;
  up: boolean;
  /** When `up` last changed (or the check's first run). */
  sinceMs: number;
  /** Why down, as a code the alert texts translate; null when up. */
  reason: ServiceCheckFailure | null;
  /** The language-neutral specifics of the failure: an HTTP status, a TLS error code, addresses, a loss %. */
  detail: string | null;
  latencyMs: number | null;
  /** HTTP: significant content differs from the baseline or a forbidden word appears; null when not watched. */
  defaced: { found: boolean; word: string | null; sha256: string; baselineSha256: string } | null;
  /** HTTP: content (or Last-Modified) unchanged for longer than the check allows; null when not watched. */
  stale: { found: boolean; unchangedS: number; limitS: number } | null;
  certificate: ServiceCertificate | null;
  /** ICMP (fping): loss and mean round trip. */
  lossPct: number | null;
}

/**
 * The asset register (设备台账) saw a part replaced (a new serial in a slot), a software or firmware
 * revision change, or a part inserted or removed (it appeared in or left entPhysicalTable), comparing
 * a node's ENTITY-MIB read with the one before. Parts are matched by serial first, then by class and
 * name, so a reload that renumbers entPhysicalIndex is not a storm of removals and insertions.
 */
export interface AssetChangeEvent {
  type: 'asset.change';
  node: NodeId;
  timeMs: number;
  change: AssetChangeKind;
  /** entPhysicalIndex of the slot (the chassis' own index for the chassis). */
  slot: string;
  /** What the slot is called: entPhysicalName ("MPU 0", "PWR1", a port), "chassis" for the chassis. */
  slotName: string;
  /** Inserted and removed parts: `serial` (old value empty when inserted, new value empty when removed). */
  field: 'serial' | 'firmwareRev' | 'softwareRev';
  oldValue: string;
  newValue: string;
  /** entPhysicalClass in words (module, port, powerSupply, fan, chassis …); absent from older events. */
  partClass?: string;
  /** entPhysicalName of the entity holding the part (entPhysicalContainedIn): "" when unknown. */
  container?: string;
}

export type AssetChangeKind = 'module-replaced' | 'firmware-upgraded' | 'module-inserted' | 'module-removed';

/** How a device the inventory does not list was seen: an LLDP neighbour, a trap or a syslog sender. */
export type SightingSource = 'lldp' | 'trap' | 'syslog';

/**
 * A device seen on the network that is not in the inventory (未纳管设备): an LLDP neighbour no node
 * names, or a trap or syslog sender whose address is no node's. Published at most once per interval
 * per source and address (collector/unmanaged/), with the count of sightings since the last one.
 */
export interface UnmanagedSightingEvent {
  type: 'unmanaged.sighting';
  timeMs: number;
  source: SightingSource;
  /** The sender's address (trap, syslog) or the management address LLDP advertised; null: none. */
  address: string | null;
  /** The LLDP sysName or the syslog HOSTNAME; null: none (a trap's varbinds are never trusted). */
  name: string | null;
  /** LLDP: the neighbour's chassis id as it advertised it; null otherwise. */
  chassisId: string | null;
  /** LLDP: the inventory node and its port the neighbour was seen on, and the neighbour's port. */
  seenBy: { node: NodeId; ifName: string; remotePort: string } | null;
  /** Sightings since the previous event for this device (≥ 1). */
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The inventory entry discovery would propose (YAML lines, guessed fields marked `# guessed`). */
  proposal: string;
}

/** A device log line, parsed and classified (see security-event.ts for the taxonomy). */
export interface SecurityBusEvent {
  type: 'security.event';
  timeMs: number;
  event: SecurityEvent;
}

/** The alert engine changed an alert (opened, acknowledged, resolved …); ordered by seq. */
export interface AlertBusEvent extends AlertChangeEvent {
  type: 'alert';
  timeMs: number;
}

export type BusEvent =
  | SamplesEvent
  | NodeStateEvent
  | InterfaceStateEvent
  | NodeRebootEvent
  | TrapEvent
  | TopologyDriftEvent
  | CollectorHealthEvent
  | CertificateExpiryEvent
  | SecurityBusEvent
  | AssetChangeEvent
  | UnmanagedSightingEvent
  | ServiceCheckEvent
  | ReportDeliveryEvent
  | AlertBusEvent;

export type BusEventType = BusEvent['type'];
export type BusEventOf<T extends BusEventType> = Extract<BusEvent, { type: T }>;
