/**
 * Sends each simulated device's log lines over UDP (RFC 5426) to the syslog target, from that
 * device's own agent socket: the source is 127.0.0.1:<agent port> (the manifest's), and HOSTNAME is
 * the node id, so a collector that treats 127.0.0.1 as a relay maps each line to its node (see
 * logs/senders.ts). A device that is down or cut off sends nothing. Background chatter runs at a
 * fixed rate for the whole network, bounded by MAX_CHATTER_PER_S, and visits the devices in turn
 * (a shuffled round), so every device that can be heard speaks once per round: a collector's
 * "device stopped sending logs" rule stays quiet.
 */
import type { Device } from '../device';
import { Chatter, type Random } from './chatter';
import type { DeviceLogEvent } from './events';
import { encodeGbk } from './gbk';
import type { ManagementSide } from './operators';
import { hostUtcOffsetMin } from './timestamps';
import { dialectOf } from './vendors';

/** Chatter is background noise: never more than this many lines per second for the whole network. */
export const MAX_CHATTER_PER_S = 100;
/** How often each device speaks by default: well inside a 30-minute "logs silent" window. */
export const DEFAULT_CHATTER_ROUND_S = 600;

/** Default rate: every device once per DEFAULT_CHATTER_ROUND_S, at least 1 line/s, at most the bound. */
export function defaultChatterPerS(devices: number): number {
  return Math.min(MAX_CHATTER_PER_S, Math.max(1, Math.ceil(devices / DEFAULT_CHATTER_ROUND_S)));
}

export interface SyslogTarget {
  host: string;
  port: number;
}

export interface SyslogSenderOptions {
  target: SyslogTarget;
  /** Background chatter in lines per second for the whole network (0: none). */
  chatterPerS: number;
  devices: readonly Device[];
  management: ManagementSide;
  clock: () => number;
  /** Hands one datagram to the device's agent socket. */
  send: (dev: Device, datagram: Buffer, target: SyslogTarget) => void;
  random?: Random;
}

export interface SyslogStats {
  /** Lines handed to the network. */
  sent: number;
  /** Lines a down or cut-off device could not send. */
  unreachable: number;
  /** Lines that could not be encoded or that the socket refused (counted, never thrown into a timer or a fault). */
  failed: number;
}

export function chatterRateProblem(ratePerS: number): string | null {
  return Number.isFinite(ratePerS) && ratePerS >= 0 && ratePerS <= MAX_CHATTER_PER_S
    ? null
    : `syslog chatter rate must be between 0 and ${MAX_CHATTER_PER_S} lines/s, got ${ratePerS}`;
}

export function syslogTargetProblem(target: SyslogTarget): string | null {
  if (target.host.length === 0) return 'syslog target needs a host';
  return Number.isInteger(target.port) && target.port >= 1 && target.port <= 65535
    ? null
    : `syslog target port must be 1–65535, got ${target.port}`;
}

export class SyslogSender {
  readonly stats: SyslogStats = { sent: 0, unreachable: 0, failed: 0 };
  readonly random: Random;
  private readonly chatter: Chatter;
  private readonly sequences = new Map<Device, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private chatterTimer: NodeJS.Timeout | null = null;
  private readonly round: Device[];
  private cursor = 0;

  constructor(private readonly options: SyslogSenderOptions) {
    const problem = chatterRateProblem(options.chatterPerS) ?? syslogTargetProblem(options.target);
    if (problem) throw new Error(problem);
    this.random = options.random ?? Math.random;
    this.chatter = new Chatter(options.management, this.random);
    this.round = shuffled(options.devices, this.random);
  }

  get management(): ManagementSide {
    return this.options.management;
  }

  /** The device logs this event now, in its vendor's format; false when it cannot be heard. */
  emit(dev: Device, event: DeviceLogEvent): boolean {
    if (!dev.reachable) {
      this.stats.unreachable++;
      this.chatter.forget(dev.node.id);
      return false;
    }
    const timeMs = this.options.clock();
    const sequence = this.sequences.get(dev) ?? 1;
    const lines = dialectOf(dev.node).format(event, {
      hostname: dev.node.id,
      timeMs,
      sequence,
      utcOffsetMin: hostUtcOffsetMin(timeMs),
    });
    this.sequences.set(dev, sequence + lines.length);
    for (const line of lines) {
      try {
        const datagram = line.gbk ? encodeGbk(line.text) : Buffer.from(line.text, 'utf8');
        this.options.send(dev, datagram, this.options.target);
        this.stats.sent++;
      } catch {
        this.stats.failed++;
      }
    }
    return true;
  }

  /** Emits the events one by one, `spacingMs` apart, the first now. */
  burst(dev: Device, events: readonly DeviceLogEvent[], spacingMs: number): void {
    events.forEach((event, i) => {
      if (i === 0) return void this.emit(dev, event);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.emit(dev, event);
      }, i * spacingMs);
      this.timers.add(timer);
    });
  }

  /** Starts the background chatter: one line per tick from a random device that can be heard. */
  start(): void {
    if (this.options.chatterPerS === 0 || this.chatterTimer) return;
    this.chatterTimer = setInterval(() => this.chatterTick(), 1000 / this.options.chatterPerS);
  }

  /** The next device in the round that can be heard (none when the whole network is silent). */
  private nextInRound(): Device | null {
    for (let tried = 0; tried < this.round.length; tried++) {
      const dev = this.round[this.cursor] as Device;
      this.cursor = (this.cursor + 1) % this.round.length;
      if (dev.reachable) return dev;
    }
    return null;
  }

  private chatterTick(): void {
    const dev = this.nextInRound();
    if (dev) this.emit(dev, this.chatter.next(dev.node.id, dialectOf(dev.node).displayCommands));
  }

  stop(): void {
    if (this.chatterTimer) clearInterval(this.chatterTimer);
    this.chatterTimer = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1)) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
