import type { Topology } from '../inventory';
import type { Link, VideoLink } from '../domain';
import type { Device, NetworkState } from './device';
import { setBridgedNeighbours, type BridgedNeighbour } from './mib/lldp';
import { NO_SYSLOG_TARGET, type LogFault, type LogFaultPlayer } from './syslog/log-faults';
import { linkStreams, octetsWithOverrides, type RateOverride } from './traffic';
import type { TrapKind } from './traps';
import {
  applyHardwareFault,
  HARDWARE_FAULT_KINDS,
  hardwareFaultProblem,
  type HardwareFault,
} from './hardware-faults';
import { applyAssetFault, ASSET_FAULT_KINDS, assetFaultProblem, type AssetFault } from './asset-faults';

/** A fault an operator (or a test) injects into the running simulated network. */
export type Fault =
  | { kind: 'node-down'; node: string }
  | { kind: 'link-down'; link?: string; a?: string; b?: string }
  | { kind: 'link-saturated'; link?: string; a?: string; b?: string }
  | { kind: 'video-degraded'; videoLink: string; lossPct: number; jitterMs: number }
  | { kind: 'reboot'; node: string }
  | { kind: 'counter-wrap'; node: string }
  /** Node a's LLDP shows b as a neighbour on a spare port: a cable across isolated zones (三网). */
  | { kind: 'zone-bridge'; a: string; b: string }
  /** Fan, power supply, temperature or optical power, read through the vendor's MIBs. */
  | HardwareFault
  /** A part replaced (new serial in its slot) or the software upgraded: the asset register's events. */
  | AssetFault
  /** Device log only: a burst of failed logins (login-attack) or one configuration change. */
  | LogFault;

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'node-down',
  'link-down',
  'link-saturated',
  'video-degraded',
  'reboot',
  'counter-wrap',
  'zone-bridge',
  ...HARDWARE_FAULT_KINDS,
  ...ASSET_FAULT_KINDS,
  'login-attack',
  'config-change',
];

export type InjectResult = { ok: true; id: string } | { ok: false; reason: string };
export type ClearResult = { ok: true; cleared: string[] } | { ok: false; reason: string };

export interface ActiveFault {
  id: string;
  fault: Fault;
  sinceMs: number;
}

interface Held extends ActiveFault {
  undo: (now: number) => void;
}

/** What the fault engine needs from the simulator around it. */
export interface FaultHost {
  topology: Topology;
  network: NetworkState;
  clock: () => number;
  device(id: string): Device | undefined;
  devices(): Iterable<Device>;
  sendTrap(dev: Device, kind: TrapKind, ifIndex?: number): void;
  /** The syslog side, when the simulator sends logs (syslogTarget). */
  logs?: LogFaultPlayer;
}

const TWO_32 = 4294967296;

export class FaultEngine {
  private readonly active = new Map<string, Held>();
  private readonly linkDown = new Map<string, number>();
  private readonly videoStack: { id: string; link: string; lossPct: number; jitterMs: number }[] = [];
  private readonly bridges = new Map<string, { dev: Device; neighbour: BridgedNeighbour }>();
  private nextId = 1;

  constructor(private readonly host: FaultHost) {}

  list(): ActiveFault[] {
    return [...this.active.values()].map(({ id, fault, sinceMs }) => ({ id, fault, sinceMs }));
  }

  inject(fault: Fault): InjectResult {
    const now = this.host.clock();
    this.host.network.version++;
    const problem = this.validate(fault);
    if (problem) return { ok: false, reason: problem };
    const id = `f${this.nextId++}`;
    switch (fault.kind) {
      case 'node-down':
        return this.hold(id, fault, now, this.nodeDown(this.mustDevice(fault.node), now));
      case 'link-down':
        return this.hold(id, fault, now, this.linkDownFault(this.mustLink(fault), now));
      case 'link-saturated':
        return this.hold(id, fault, now, this.saturate(this.mustLink(fault), now));
      case 'video-degraded':
        return this.hold(id, fault, now, this.degrade(id, fault.videoLink, fault.lossPct, fault.jitterMs));
      case 'counter-wrap':
        return this.hold(id, fault, now, this.counterWrap(this.mustDevice(fault.node), now));
      case 'zone-bridge':
        return this.hold(id, fault, now, this.zoneBridge(id, fault.a, fault.b));
      case 'reboot':
        this.reboot(this.mustDevice(fault.node), now);
        return { ok: true, id };
      case 'fan-fail':
      case 'psu-fail':
      case 'overheat':
      case 'optic-degraded':
        return this.hold(id, fault, now, applyHardwareFault(this.mustDevice(fault.node), fault));
      case 'module-swap':
      case 'firmware-upgrade':
      case 'module-remove':
      case 'module-insert':
        applyAssetFault(this.mustDevice(fault.node), fault);
        return { ok: true, id };
      case 'login-attack':
      case 'config-change':
        this.host.logs?.play(fault);
        return { ok: true, id };
    }
  }

  clear(id: string): ClearResult {
    const now = this.host.clock();
    this.host.network.version++;
    if (id === 'all') {
      const ids = [...this.active.keys()].reverse();
      for (const each of ids) this.release(each, now);
      return { ok: true, cleared: ids.reverse() };
    }
    if (!this.active.has(id))
      return {
        ok: false,
        reason: `no active fault "${id}" (active: ${[...this.active.keys()].join(', ') || 'none'})`,
      };
    this.release(id, now);
    return { ok: true, cleared: [id] };
  }

  private release(id: string, now: number): void {
    const held = this.active.get(id);
    if (!held) return;
    this.active.delete(id);
    held.undo(now);
  }

  private hold(id: string, fault: Fault, now: number, undo: (now: number) => void): InjectResult {
    this.active.set(id, { id, fault, sinceMs: now, undo });
    return { ok: true, id };
  }

  private validate(fault: Fault): string | null {
    const topology = this.host.topology;
    const nodeProblem = (node: string) => (topology.has(node) ? null : `unknown node "${node}"`);
    switch (fault.kind) {
      case 'node-down':
      case 'reboot':
      case 'counter-wrap':
        return nodeProblem(fault.node);
      case 'link-down':
      case 'link-saturated':
        return typeof this.findLink(fault) === 'string' ? (this.findLink(fault) as string) : null;
      case 'video-degraded': {
        if (!topology.videoLinks.some((v: VideoLink) => v.id === fault.videoLink))
          return `unknown video link "${fault.videoLink}"`;
        if (!(fault.lossPct >= 0 && fault.lossPct <= 100)) return 'lossPct must be between 0 and 100';
        if (!(fault.jitterMs >= 0 && fault.jitterMs <= 10_000)) return 'jitterMs must be between 0 and 10000';
        return null;
      }
      case 'zone-bridge':
        return this.zoneBridgeProblem(fault.a, fault.b);
      case 'fan-fail':
      case 'psu-fail':
      case 'overheat':
      case 'optic-degraded':
        return hardwareFaultProblem(this.host.device(fault.node), fault);
      case 'module-swap':
      case 'firmware-upgrade':
      case 'module-remove':
      case 'module-insert':
        return assetFaultProblem(this.host.device(fault.node), fault);
      case 'login-attack':
      case 'config-change':
        return nodeProblem(fault.node) ?? (this.host.logs ? this.host.logs.problem(fault) : NO_SYSLOG_TARGET);
    }
  }

  private zoneBridgeProblem(a: string, b: string): string | null {
    const topology = this.host.topology;
    if (!topology.has(a)) return `unknown node "${a}"`;
    if (!topology.has(b)) return `unknown node "${b}"`;
    if (a === b) return 'a zone bridge needs two different nodes';
    if (topology.isolationProblem(a, b) === null) {
      const zoneOf = (id: string) => topology.find(id)?.zone ?? '?';
      return `"${a}" (${zoneOf(a)}) and "${b}" (${zoneOf(b)}) may be connected directly: a zone bridge joins isolated zones (internal with external or public)`;
    }
    if (this.sparePort(a) === null) return `node "${a}" has no port without a link left for the bridge`;
    return null;
  }

  /** A port the inventory leaves unlinked and no other bridge uses, the last one (spares sit at the end). */
  private sparePort(id: string): Device['ifs'][number] | null {
    const dev = this.host.device(id);
    if (!dev) return null;
    const used = new Set(
      [...this.bridges.values()].filter((b) => b.dev === dev).map((b) => b.neighbour.ifIndex),
    );
    return dev.ifs.findLast((s) => s.plan.peer === null && !used.has(s.plan.ifIndex)) ?? null;
  }

  private zoneBridge(id: string, a: string, b: string): (now: number) => void {
    const dev = this.mustDevice(a);
    const peer = this.mustDevice(b);
    const local = this.sparePort(a);
    if (!local) throw new Error(`node "${a}" has no spare port`);
    const peerPort = peer.ifs.findLast((s) => s.plan.peer === null) ?? peer.ifs[0];
    this.bridges.set(id, {
      dev,
      neighbour: { ifIndex: local.plan.ifIndex, peer, peerIfName: peerPort?.plan.name ?? 'port1' },
    });
    this.applyBridges(dev);
    return () => {
      this.bridges.delete(id);
      this.applyBridges(dev);
    };
  }

  private applyBridges(dev: Device): void {
    const mine = [...this.bridges.values()].filter((b) => b.dev === dev).map((b) => b.neighbour);
    setBridgedNeighbours(dev, mine);
  }

  private findLink(ref: { link?: string; a?: string; b?: string }): Link | string {
    const links = this.host.topology.links;
    if (ref.link !== undefined) return links.find((l) => l.id === ref.link) ?? `unknown link "${ref.link}"`;
    if (ref.a !== undefined && ref.b !== undefined) {
      const found = links.find(
        (l) => (l.a.node === ref.a && l.b.node === ref.b) || (l.a.node === ref.b && l.b.node === ref.a),
      );
      return found ?? `no link between "${ref.a}" and "${ref.b}"`;
    }
    return 'a link fault needs "link" (a link id) or both "a" and "b" (node ids)';
  }

  private mustLink(ref: { link?: string; a?: string; b?: string }): Link {
    const found = this.findLink(ref);
    if (typeof found === 'string') throw new Error(found);
    return found;
  }

  private mustDevice(id: string): Device {
    const dev = this.host.device(id);
    if (!dev) throw new Error(`no device "${id}"`);
    return dev;
  }

  /** Interface state at one end of a link. */
  private end(link: Link, which: 'a' | 'b') {
    const end = link[which];
    const dev = this.host.device(end.node);
    const position = dev?.ifs.findIndex((s) => s.plan.name === end.interface) ?? -1;
    const s = dev && position >= 0 ? dev.ifs[position] : undefined;
    return dev && s ? { dev, s } : null;
  }

  private overrideLink(link: Link, kind: RateOverride['kind'], now: number): RateOverride[] {
    const streams = linkStreams(this.host.topology, link);
    const made: RateOverride[] = [];
    for (const stream of [streams.ab, streams.ba]) {
      const o: RateOverride = { kind, fromMs: now, toMs: null };
      this.host.network.addOverride(stream.key, o);
      made.push(o);
    }
    this.invalidateLink(link);
    return made;
  }

  private invalidateLink(link: Link): void {
    this.host.device(link.a.node)?.invalidate();
    this.host.device(link.b.node)?.invalidate();
  }

  /** Sets interfaces down/up, recomputes reachability, then traps from the ends that can be heard. */
  private flip(
    ends: ({ dev: Device; s: Device['ifs'][number] } | null)[],
    down: boolean,
    now: number,
    before?: () => void,
  ): void {
    const changed: { dev: Device; ifIndex: number }[] = [];
    before?.();
    for (const e of ends)
      if (e && e.dev.setDown(e.s, down, now).changed) changed.push({ dev: e.dev, ifIndex: e.s.plan.ifIndex });
    this.recomputeReachability();
    for (const c of changed)
      if (c.dev.reachable) this.host.sendTrap(c.dev, down ? 'linkDown' : 'linkUp', c.ifIndex);
  }

  private linkDownFault(link: Link, now: number): (now: number) => void {
    const overrides = this.overrideLink(link, 'zero', now);
    const ends = [this.end(link, 'a'), this.end(link, 'b')];
    this.flip(ends, true, now, () => this.linkDown.set(link.id, (this.linkDown.get(link.id) ?? 0) + 1));
    return (later) => {
      for (const o of overrides) o.toMs = later;
      this.invalidateLink(link);
      this.flip(ends, false, later, () =>
        this.linkDown.set(link.id, Math.max(0, (this.linkDown.get(link.id) ?? 1) - 1)),
      );
    };
  }

  private nodeDown(dev: Device, now: number): (now: number) => void {
    const links = this.host.topology.linksOf(dev.node.id);
    const overrides = links.flatMap((link) => this.overrideLink(link, 'zero', now));
    const farEnds = links.map((link) =>
      link.a.node === dev.node.id ? this.end(link, 'b') : this.end(link, 'a'),
    );
    this.flip(farEnds, true, now, () => {
      dev.downCount++;
    });
    return (later) => {
      for (const o of overrides) o.toMs = later;
      for (const link of links) this.invalidateLink(link);
      this.flip(farEnds, false, later, () => {
        dev.downCount = Math.max(0, dev.downCount - 1);
      });
    };
  }

  private saturate(link: Link, now: number): (now: number) => void {
    const overrides = this.overrideLink(link, 'saturate', now);
    const devs = [this.host.device(link.a.node), this.host.device(link.b.node)];
    for (const d of devs) if (d) d.saturatedLinks++;
    return (later) => {
      for (const o of overrides) o.toMs = later;
      for (const d of devs) if (d) d.saturatedLinks = Math.max(0, d.saturatedLinks - 1);
      this.invalidateLink(link);
    };
  }

  private degrade(id: string, link: string, lossPct: number, jitterMs: number): (now: number) => void {
    this.videoStack.push({ id, link, lossPct, jitterMs });
    this.applyVideo(link);
    return () => {
      const at = this.videoStack.findIndex((v) => v.id === id);
      if (at >= 0) this.videoStack.splice(at, 1);
      this.applyVideo(link);
    };
  }

  private applyVideo(link: string): void {
    const latest = [...this.videoStack].reverse().find((v) => v.link === link);
    if (latest) this.host.network.degraded.set(link, { lossPct: latest.lossPct, jitterMs: latest.jitterMs });
    else this.host.network.degraded.delete(link);
  }

  private reboot(dev: Device, now: number): void {
    dev.bootMs = now;
    dev.engineBoots++;
    for (const s of dev.ifs) {
      s.lastChangeMs = now;
      s.wrapIn = 0;
      s.wrapOut = 0;
      s.discontinuityMs = null;
    }
    dev.invalidate();
    if (dev.reachable) this.host.sendTrap(dev, 'coldStart');
  }

  private counterWrap(dev: Device, now: number): (now: number) => void {
    for (const s of dev.ifs) {
      dev.octets(s, now);
      const perSecond = (stream: typeof s.plan.inStream) =>
        stream ? octetsWithOverrides(stream, now - 5000, now, this.host.network.overridesOf(stream)) : 0;
      const near = (current: number, recent5s: number) =>
        (((TWO_32 - Math.max(1, Math.floor(recent5s)) - (current % TWO_32)) % TWO_32) + TWO_32) % TWO_32;
      s.wrapIn = near(s.cacheIn, perSecond(s.plan.inStream));
      s.wrapOut = near(s.cacheOut, perSecond(s.plan.outStream));
      s.discontinuityMs = now;
    }
    return (later) => {
      for (const s of dev.ifs) {
        s.wrapIn = 0;
        s.wrapOut = 0;
        s.discontinuityMs = later;
      }
    };
  }

  /** A node answers when it and every node and uplink on its path to the root are up. */
  recomputeReachability(): void {
    const topology = this.host.topology;
    const visit = (id: string, parentReachable: boolean) => {
      const dev = this.host.device(id);
      if (!dev) return;
      const uplink = topology.uplinkOf(dev.node.id);
      const uplinkUp = !uplink || (this.linkDown.get(uplink.id) ?? 0) === 0;
      dev.reachable = parentReachable && uplinkUp && dev.downCount === 0;
      for (const child of topology.children(dev.node.id)) visit(child, dev.reachable);
    };
    for (const root of topology.roots) visit(root, true);
  }
}
