/**
 * The console's list of devices seen but not in the inventory (未纳管设备), from `unmanaged.sighting`
 * on the bus. A device the inventory lists (by address, or by name for LLDP) is never
 * kept: rows that match the inventory the console started with are dropped at start, and sightings
 * a collector with an older inventory still sends are ignored. Who sees a row: the whole network's
 * users every row; a subtree's users the LLDP sightings whose reporting node is in their subtree
 * (a trap or syslog sender with no known node belongs to the whole network only).
 */
import type { Logger } from '../../../common';
import type { UnmanagedSightingEvent } from '../../../domain';
import type { Topology } from '../../../inventory';
import type { Scope } from '../access';
import type { UnmanagedDevice, UnmanagedTable } from './unmanaged-store';

type Identity = Pick<UnmanagedDevice, 'source' | 'address' | 'name' | 'chassisId'>;

export class UnmanagedDevices {
  private readonly addresses: ReadonlySet<string>;

  constructor(
    private readonly table: UnmanagedTable,
    private readonly topology: Topology,
    log: Logger,
  ) {
    this.addresses = new Set(topology.inventory.nodes.map((node) => node.address));
    const nowListed = table.all().filter((device) => this.inInventory(device));
    table.remove(nowListed.map((device) => device.id));
    if (nowListed.length > 0)
      log.info({ removed: nowListed.length }, 'devices seen earlier are now in the inventory');
  }

  /**
   * A device the inventory lists: at a node's address or, for LLDP, named by a node (sysName, chassis
   * id). A trap or syslog sender's own name is not trusted: an unknown address claiming a node's
   * HOSTNAME stays listed, so the claim cannot hide it.
   */
  inInventory(device: Identity): boolean {
    if (device.address !== null && this.addresses.has(device.address)) return true;
    if (device.source !== 'lldp') return false;
    return [device.name, device.chassisId].some(
      (name) => name !== null && this.topology.findBySystemName(name) !== undefined,
    );
  }

  observe(event: UnmanagedSightingEvent): void {
    if (this.inInventory(event)) return;
    this.table.record(event);
  }

  /** Not dismissed and visible to the scope, most recently seen first. */
  list(scope: Scope): UnmanagedDevice[] {
    return this.table.all().filter((device) => device.dismissed === null && visibleTo(scope, device));
  }

  /** The device if the scope may see it (dismissed or not), else null. */
  find(scope: Scope, id: number): UnmanagedDevice | null {
    const device = this.table.byId(id);
    return device && visibleTo(scope, device) ? device : null;
  }

  dismiss(id: number, by: string, atMs: number): void {
    this.table.dismiss(id, by, atMs);
  }

  evicted(): number {
    return this.table.evicted();
  }
}

export function visibleTo(scope: Scope, device: Pick<UnmanagedDevice, 'seenBy'>): boolean {
  if (scope.isWholeNetwork) return true;
  return device.seenBy !== null && scope.allowsNode(device.seenBy.node);
}
