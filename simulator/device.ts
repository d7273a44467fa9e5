import type { Topology } from '../inventory';
import type { InventoryNode, SnmpCredentials } from '../domain';
import {
  octetsWithOverrides,
  planInterfaces,
  type InterfacePlan,
  type RateOverride,
  type Stream,
  hash32,
  unit,
  workdayProfile,
} from './traffic';
import type { Degradation } from './video-quality';
import { familyOf, newHardwareState, type HardwareState, type VendorFamily } from './hardware';

/** Fault-driven state every agent reads: stream overrides and video degradations. */
export class NetworkState {
  readonly overrides = new Map<string, RateOverride[]>();
  readonly degraded = new Map<string, Degradation>();
  /** Bumped on every fault change, so values cached for an instant are recomputed. */
  version = 0;

  constructor(
    readonly topology: Topology,
    readonly clock: () => number,
  ) {}

  overridesOf(stream: Stream | null): readonly RateOverride[] {
    if (!stream) return NONE;
    return this.overrides.get(stream.key) ?? NONE;
  }

  addOverride(streamKey: string, override: RateOverride): void {
    const list = this.overrides.get(streamKey);
    if (list) list.push(override);
    else this.overrides.set(streamKey, [override]);
  }
}
const NONE: readonly RateOverride[] = [];

export interface IfState {
  plan: InterfacePlan;
  /** How many active faults hold this interface down (link down, far end down). */
  downCount: number;
  lastChangeMs: number;
  /** Added to the 32-bit octet counters by a counter-wrap fault. */
  wrapIn: number;
  wrapOut: number;
  discontinuityMs: number | null;
  name: Buffer;
  alias: Buffer;
  mac: Buffer;
  cacheAt: number;
  cacheVersion: number;
  cacheIn: number;
  cacheOut: number;
}

const TWO_32 = 4294967296;
const DAY_MS = 86_400_000;

const ENTERPRISE: Record<string, number[]> = {
  huawei: [1, 3, 6, 1, 4, 1, 2011, 2],
  h3c: [1, 3, 6, 1, 4, 1, 25506, 1],
  cisco: [1, 3, 6, 1, 4, 1, 9, 1],
  /** ZXR10-PROJECT-MIB zxr10-objectID (zxr10.100) */
  zte: [1, 3, 6, 1, 4, 1, 3902, 3, 100],
  /** RUIJIE-SMI ruijieSwitchProducts */
  ruijie: [1, 3, 6, 1, 4, 1, 4881, 1, 1, 10, 1],
  inspur: [1, 3, 6, 1, 4, 1, 37945],
};
const ENTERPRISE_NUMBER: Record<string, number> = {
  huawei: 2011,
  h3c: 25506,
  cisco: 9,
  zte: 3902,
  ruijie: 4881,
  inspur: 37945,
};
const OUI: Record<string, number[]> = {
  huawei: [0x00, 0xe0, 0xfc],
  h3c: [0x00, 0x23, 0x89],
  cisco: [0x00, 0x1b, 0x54],
  zte: [0x00, 0x19, 0xc6],
  ruijie: [0x58, 0x69, 0x6c],
};

function describe(node: InventoryNode): string {
  const vendor = node.vendor.toLowerCase();
  if (familyOf(node) === 'net-snmp')
    return `Linux ${node.id} 4.19.90-24.4.v2101.ky10.x86_64 #1 SMP ${node.vendor} ${node.model}`;
  if (node.role === 'mcu' || node.role === 'codec') {
    const kind = node.role === 'mcu' ? 'Multipoint Control Unit' : 'Videoconferencing Endpoint';
    return `${vendor === 'huawei' ? 'HUAWEI' : node.vendor} ${node.model} ${kind}, Version V600R019C00`;
  }
  if (vendor === 'huawei')
    return `Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.180 (${node.model} V800R012C10SPC300)\r\nCopyright (C) 2012-2020 Huawei Technologies Co., Ltd.\r\nHUAWEI ${node.model}`;
  if (vendor === 'h3c')
    return `H3C Comware Platform Software, Software Version 7.1.070, Release 7595\r\nH3C ${node.model}\r\nCopyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.`;
  if (vendor === 'cisco')
    return `Cisco IOS Software, ${node.model} Software, Version 15.2(4)M7, RELEASE SOFTWARE (fc2)`;
  if (vendor === 'zte')
    return `ZXR10 ${node.model} Software, Version ZXROSNG V5.00.10, Release software\r\nCopyright (c) 2004-2023 by ZTE Corporation`;
  if (vendor === 'ruijie')
    return `Ruijie ${node.role === 'switch' ? 'Gigabit Routing Switch' : 'Router'}(${node.model}) By Ruijie Networks`;
  return `Linux ${node.id} 4.19.90-24.4.v2101.ky10.x86_64 #1 SMP ${node.vendor} ${node.model}`;
}

/** One simulated device: inventory node, interface state, boot time and SNMP engine identity. */
export class Device {
  readonly ifs: IfState[];
  readonly ifPosition = new Map<number, number>();
  bootMs: number;
  engineBoots = 1;
  /** Active node-down faults on this node. */
  downCount = 0;
  /** Answers SNMP (itself up and its path to the root intact). */
  reachable = true;
  port = 0;
  readonly engineId: Buffer;
  readonly sysDescr: Buffer;
  readonly sysObjectID: number[];
  readonly sysName: Buffer;
  readonly sysLocation: Buffer;
  readonly sysContact: Buffer;
  readonly sysServices: number;
  readonly ipAddress: Buffer;
  /** Whose MIBs this device answers (its vendor's, or net-snmp's on hosts). */
  readonly family: VendorFamily;
  /** Fans, power supplies, temperature and optics as the hardware faults left them. */
  readonly hardware: HardwareState = newHardwareState();
  /** Saturated links touching this node (raises CPU). */
  saturatedLinks = 0;
  /** Localized USM keys, computed on first v3 request. */
  usmKeys: { authKey: Buffer; privKey: Buffer | null } | null = null;

  constructor(
    readonly node: InventoryNode,
    readonly credentials: SnmpCredentials,
    readonly network: NetworkState,
    startMs: number,
  ) {
    const uptimeDays = 3 + Math.floor(unit(`${node.id}#uptime`) * 150);
    this.bootMs = startMs - uptimeDays * DAY_MS - Math.floor(unit(`${node.id}#uptime-ms`) * DAY_MS);
    const vendor = node.vendor.toLowerCase();
    this.family = familyOf(node);
    const h = hash32(node.id);
    const oui = OUI[vendor] ?? [0x52, 0x54, 0x00];
    this.ifs = planInterfaces(network.topology, node).map((plan, position) => {
      this.ifPosition.set(plan.ifIndex, position);
      const alias = plan.link && plan.peer ? `${plan.link.id} -> ${plan.peer.node}:${plan.peer.ifName}` : '';
      return {
        plan,
        downCount: 0,
        lastChangeMs: this.bootMs,
        wrapIn: 0,
        wrapOut: 0,
        discontinuityMs: null,
        name: Buffer.from(plan.name),
        alias: Buffer.from(alias),
        mac: Buffer.from([...oui, (h >>> 16) & 0xff, (h >>> 8) & 0xff, (h + plan.ifIndex) & 0xff]),
        cacheAt: Number.NaN,
        cacheVersion: -1,
        cacheIn: 0,
        cacheOut: 0,
      };
    });
    const enterprise = ENTERPRISE_NUMBER[vendor] ?? 8072;
    const engineHash = Buffer.alloc(12);
    for (let i = 0; i < 3; i++) engineHash.writeUInt32BE(hash32(`${node.id}#engine${i}`), i * 4);
    // RFC 3411 SnmpEngineID: enterprise number with the top bit set, format 5 (octets), 12 octets.
    this.engineId = Buffer.concat([
      Buffer.from([
        0x80 | ((enterprise >>> 24) & 0x7f),
        (enterprise >>> 16) & 0xff,
        (enterprise >>> 8) & 0xff,
        enterprise & 0xff,
        0x05,
      ]),
      engineHash,
    ]);
    this.sysDescr = Buffer.from(describe(node));
    const prefix = this.family === 'net-snmp' ? undefined : ENTERPRISE[vendor];
    this.sysObjectID = prefix
      ? [...prefix, (hash32(node.model) % 400) + 1]
      : [1, 3, 6, 1, 4, 1, 8072, 3, 2, 10];
    this.sysName = Buffer.from(node.id);
    this.sysLocation = Buffer.from(node.location);
    this.sysContact = Buffer.from(
      `${network.topology.network.name} 网管中心 <noc@${network.topology.network.domain}>`,
    );
    this.sysServices =
      node.role === 'switch' ? 2 : node.role === 'router' || node.role === 'firewall' ? 6 : 72;
    const octets = node.address.split('.').map((p) => Number(p) & 0xff);
    this.ipAddress = Buffer.from(octets.length === 4 ? octets : [127, 0, 0, 1]);
  }

  /** TimeTicks (1/100 s) since boot. */
  upTicks(now: number): number {
    return Math.max(0, Math.floor((now - this.bootMs) / 10)) % TWO_32;
  }

  engineTime(now: number): number {
    return Math.max(0, Math.floor((now - this.bootMs) / 1000));
  }

  operUp(s: IfState): boolean {
    return s.plan.adminUp && s.downCount === 0;
  }

  /** HC octet counters since boot, cached per request instant. */
  octets(s: IfState, now: number): void {
    if (s.cacheAt === now && s.cacheVersion === this.network.version) return;
    const overridesIn = this.network.overridesOf(s.plan.inStream);
    const overridesOut = this.network.overridesOf(s.plan.outStream);
    s.cacheIn = s.plan.inStream
      ? Math.floor(octetsWithOverrides(s.plan.inStream, this.bootMs, now, overridesIn))
      : 0;
    s.cacheOut = s.plan.outStream
      ? Math.floor(octetsWithOverrides(s.plan.outStream, this.bootMs, now, overridesOut))
      : 0;
    s.cacheAt = now;
    s.cacheVersion = this.network.version;
  }

  /** Marks an interface change (down or up) at an instant. */
  setDown(s: IfState, down: boolean, now: number): { changed: boolean } {
    const before = this.operUp(s);
    s.downCount += down ? 1 : -1;
    if (s.downCount < 0) s.downCount = 0;
    const after = this.operUp(s);
    if (before !== after) s.lastChangeMs = now;
    s.cacheAt = Number.NaN;
    return { changed: before !== after };
  }

  invalidate(): void {
    for (const s of this.ifs) s.cacheAt = Number.NaN;
  }

  cpuLoad(now: number): number {
    const bucket = Math.floor(now / 60_000);
    const base =
      6 +
      30 * workdayProfile(now) * (0.5 + unit(`${this.node.id}#cpu`)) +
      6 * unit(`${this.node.id}@${bucket}`);
    return Math.max(1, Math.min(99, Math.round(base + (this.saturatedLinks > 0 ? 45 : 0))));
  }
}
