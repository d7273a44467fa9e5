/**
 * The network as every part of egov-noc speaks of it: nodes, tiers, zones, links, video links and
 * their meetings. Produced once by the inventory loader; nothing here imports a part.
 */

declare const nodeIdBrand: unique symbol;
/** A node's stable id from the inventory (ASCII, kebab-case). Chinese names are data, never ids. */
export type NodeId = string & { readonly [nodeIdBrand]: 'NodeId' };
export const asNodeId = (raw: string): NodeId => raw as NodeId;

export const TIERS = ['province', 'city', 'county', 'district', 'township', 'department'] as const;
export type Tier = (typeof TIERS)[number];

/** internal 政务内网, external 政务外网, public 公众信息网, video 视像会议. */
export const ZONES = ['internal', 'external', 'public', 'video'] as const;
export type Zone = (typeof ZONES)[number];

/**
 * What a device is in the network (not a console user's role: see USER_ROLES in console/shared).
 * A gatekeeper (网闸) is the isolation device, the one node allowed to join isolated zones (docs/zones.md).
 */
export const DEVICE_ROLES = ['router', 'switch', 'firewall', 'server', 'mcu', 'codec', 'gatekeeper'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

export const MEDIA = ['fiber', 'hfc', 'microwave', 'leased'] as const;
export type Medium = (typeof MEDIA)[number];

export interface NetworkInfo {
  id: string;
  name: string;
  /** DNS domain the nodes live under, e.g. nanyang.gov.cn; certificate names derive from it. */
  domain: string;
}

export interface NodeInterface {
  /** 1-based ifIndex, stable for the node. */
  ifIndex: number;
  name: string;
  speedMbps: number;
}

export interface InventoryNode {
  id: NodeId;
  name: string;
  tier: Tier;
  zone: Zone;
  role: DeviceRole;
  vendor: string;
  model: string;
  /** Management IPv4 address. */
  address: string;
  /** Name of an entry in the credentials section/file. */
  credentials: string;
  parent: NodeId | null;
  location: string;
  /** Interfaces in ifIndex order (from the inventory, or the role's defaults). */
  interfaces: NodeInterface[];
  /** Poll interval for this node, after node/role/tier/default overrides. */
  pollIntervalS: number;
  /** DNS names the node's certificates may carry. */
  dnsNames: string[];
  /** A gatekeeper's (网闸) zones, its own among them: the only edges allowed across isolated zones. */
  bridges?: readonly Zone[];
}

export interface LinkEnd {
  node: NodeId;
  interface: string;
}

export interface Link {
  id: string;
  a: LinkEnd;
  b: LinkEnd;
  capacityMbps: number;
  medium: Medium;
  /** The carrier's committed availability for a leased link, percent (e.g. 99.5); reports check it. */
  slaPct?: number;
}

export interface Meeting {
  title: string;
  /** Either a one-off meeting (start/end ISO) or a weekly one (days + HH:MM times, local time). */
  start?: string;
  end?: string;
  days?: Weekday[];
  from?: string;
  to?: string;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const PROBE_KINDS = ['nqa', 'ping', 'rttmon'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export interface VideoLink {
  id: string;
  name: string;
  a: NodeId;
  b: NodeId;
  /** Which MIB the 'a' end measures the link with. */
  probe: ProbeKind;
  meetings: Meeting[];
}
