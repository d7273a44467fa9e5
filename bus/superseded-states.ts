import type { BusEvent } from '../domain';

/**
 * State changes are "latest wins": after an outage, publisher retries can deliver a node's older
 * state after its newer one, and handling it would leave the console showing the past. This
 * remembers the newest state time per node (and interface) and recognises an older one.
 */
export class SupersededStates {
  private readonly newest = new Map<string, number>();

  /** True when a newer state of the same thing was already delivered: acknowledge, do not handle. */
  isSuperseded(event: BusEvent): boolean {
    const key =
      event.type === 'node.state'
        ? `n|${event.node}`
        : event.type === 'interface.state'
          ? `i|${event.node}|${event.ifIndex}`
          : null;
    if (key === null) return false;
    const newest = this.newest.get(key);
    if (newest !== undefined && event.timeMs < newest) return true;
    this.newest.set(key, event.timeMs);
    return false;
  }
}
