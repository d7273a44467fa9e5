/**
 * Faults that exist only in device logs: `login-attack` (a burst of failed SSH logins on one node
 * from one outside address, then it stops) and `config-change` (an operator changes the node's
 * configuration). Instantaneous like a reboot: each gets an id but is not listed as active.
 * Every field goes into a log line, so each is checked against a narrow shape first.
 */
import { z } from 'zod';
import type { Device } from '../device';
import { ephemeralPort, pick } from './chatter';
import type { DeviceLogEvent } from './events';
import { OPERATORS } from './operators';
import type { SyslogSender } from './sender';
import { dialectOf } from './vendors';

export const DEFAULT_ATTACK_SOURCE = '203.0.113.57';
export const DEFAULT_ATTACK_COUNT = 8;
export const MAX_ATTACK_COUNT = 500;
/** The whole burst fits in this window, so a brute-force rule (N failures in minutes) sees it. */
export const ATTACK_WINDOW_MS = 45_000;
const ATTACK_SPACING_MS = 1_500;

/** User names an attacker tries, in order. */
export const ATTACK_USERS = ['admin', 'root', 'test', 'guest', 'operator', 'huawei', 'user', 'manager'];

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const address = z.string().regex(IPV4, 'an IPv4 address, e.g. 203.0.113.57');
const userName = z
  .string()
  .regex(/^[A-Za-z0-9][\w.@-]{0,31}$/, 'a user name: letters, digits and . _ @ -, at most 32 characters');

export const logFaultSchemas = [
  z
    .object({
      kind: z.literal('login-attack'),
      node: z.string().min(1),
      source: address.optional(),
      count: z.number().int().min(1).max(MAX_ATTACK_COUNT).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('config-change'),
      node: z.string().min(1),
      user: userName.optional(),
      source: address.optional(),
    })
    .strict(),
] as const;

export type LogFault = z.infer<(typeof logFaultSchemas)[number]>;
export const LOG_FAULT_KINDS = [
  'login-attack',
  'config-change',
] as const satisfies readonly LogFault['kind'][];

/** What the fault engine asks of the simulator's syslog side. */
export interface LogFaultPlayer {
  problem(fault: LogFault): string | null;
  play(fault: LogFault): void;
}

export const NO_SYSLOG_TARGET =
  'this simulator sends no syslog: start it with --syslog-target HOST:PORT (syslogTarget) to inject log faults';

function shapeProblem(fault: LogFault): string | null {
  const schema = fault.kind === 'login-attack' ? logFaultSchemas[0] : logFaultSchemas[1];
  const parsed = schema.safeParse(fault);
  return parsed.success
    ? null
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`).join('; ');
}

export function attackSpacingMs(count: number): number {
  return Math.min(ATTACK_SPACING_MS, Math.floor(ATTACK_WINDOW_MS / Math.max(1, count)));
}

export function attackEvents(
  fault: Extract<LogFault, { kind: 'login-attack' }>,
  random: () => number,
): DeviceLogEvent[] {
  const source = fault.source ?? DEFAULT_ATTACK_SOURCE;
  return Array.from({ length: fault.count ?? DEFAULT_ATTACK_COUNT }, (_, i) => ({
    kind: 'login-failed' as const,
    user: ATTACK_USERS[i % ATTACK_USERS.length] as string,
    source,
    sourcePort: ephemeralPort(random),
  }));
}

export function logFaultPlayer(
  sender: SyslogSender,
  deviceOf: (id: string) => Device | undefined,
): LogFaultPlayer {
  return {
    problem(fault) {
      const shape = shapeProblem(fault);
      if (shape) return shape;
      const dev = deviceOf(fault.node);
      if (!dev) return `unknown node "${fault.node}"`;
      if (!dev.reachable) return `node "${fault.node}" is down or cut off: it cannot send logs now`;
      return null;
    },
    play(fault) {
      const dev = deviceOf(fault.node);
      if (!dev) return;
      if (fault.kind === 'login-attack') {
        const events = attackEvents(fault, sender.random);
        sender.burst(dev, events, attackSpacingMs(events.length));
        return;
      }
      sender.emit(dev, {
        kind: 'config-change',
        user: fault.user ?? pick(OPERATORS, sender.random),
        source: fault.source ?? pick(sender.management.stations, sender.random),
        command: pick(dialectOf(dev.node).configCommands, sender.random),
      });
    },
  };
}
