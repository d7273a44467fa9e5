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
  | AlertBusEvent;

export type BusEventType = BusEvent['type'];
export type BusEventOf<T extends BusEventType> = Extract<BusEvent, { type: T }>;
