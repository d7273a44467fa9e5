/**
 * Background chatter: what a quiet network logs on its own, one line per tick. An operator logs in
 * from a management station, runs a few read-only commands and logs out; now and then a device
 * reports its clock synchronised. At most one session per device, so the state stays bounded.
 */
import type { DeviceLogEvent } from './events';
import { OPERATORS, type ManagementSide } from './operators';

interface Session {
  user: string;
  source: string;
  commandsLeft: number;
}

export type Random = () => number;

export const pick = <T>(items: readonly T[], random: Random): T =>
  items[Math.floor(random() * items.length) % items.length] as T;

export const ephemeralPort = (random: Random): number => 40_000 + Math.floor(random() * 20_000);

export class Chatter {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly management: ManagementSide,
    private readonly random: Random,
  ) {}

  /** The next thing this device logs; `displayCommands` are its dialect's read-only commands. */
  next(deviceId: string, displayCommands: readonly string[]): DeviceLogEvent {
    const session = this.sessions.get(deviceId);
    if (session) {
      if (session.commandsLeft > 0) {
        session.commandsLeft--;
        return {
          kind: 'command',
          user: session.user,
          source: session.source,
          command: pick(displayCommands, this.random),
        };
      }
      this.sessions.delete(deviceId);
      return { kind: 'logout', user: session.user, source: session.source };
    }
    if (this.random() < 0.2) return { kind: 'ntp-sync', server: this.management.ntpServer };
    const opened: Session = {
      user: pick(OPERATORS, this.random),
      source: pick(this.management.stations, this.random),
      commandsLeft: 1 + Math.floor(this.random() * 3),
    };
    this.sessions.set(deviceId, opened);
    return {
      kind: 'login',
      user: opened.user,
      source: opened.source,
      sourcePort: ephemeralPort(this.random),
    };
  }

  /** The device went away (down, cut off): its session ends without a logout line. */
  forget(deviceId: string): void {
    this.sessions.delete(deviceId);
  }
}
