/**
 * The asset register (设备台账), kept by the console server from the samples on the bus: each entity
 * read is compared with the last one recorded; a change is stored with its old and new value and
 * published as `asset.change`, which the alert engine's asset-change rule turns into an alert (info
 * for a replacement, upgrade or insertion; a removed power supply or fan is major, changes.ts pairs
 * parts by serial then class and name so a renumbering reload changes nothing).
 * The register lives in memory and is written through to assets.sqlite, so listing it never reads
 * the file; "last seen" moves on every answered poll and is written once a minute.
 */
import { join } from 'node:path';
import type { EventBus } from '../../../bus';
import type { Logger } from '../../../common';
import type { NodeId, SamplesEvent } from '../../../domain';
import type { Topology } from '../../../inventory';
import { assetChanges, lostAllParts, type KnownHardware } from './changes';
import { observationOf } from './observation';
import { AssetStore, type StoredAsset, type StoredChange } from './store';
import { UnmanagedDevices } from './unmanaged';

const TOUCH_EVERY_MS = 60_000;
const NOTHING_READ = { model: '', serial: '', hardwareRev: '', firmwareRev: '', softwareRev: '' };

function knownOf(asset: StoredAsset): KnownHardware | null {
  if (asset.readAtMs === null) return null;
  return { chassis: asset.chassis, modules: asset.modules };
}

export class AssetRegister {
  private readonly store: AssetStore;
  private readonly byNode: Map<NodeId, StoredAsset>;
  private readonly changeCount: Map<string, number>;
  /** Last-seen times not yet written to the file. */
  private readonly unwritten = new Map<NodeId, number>();
  private readonly timer: NodeJS.Timeout;
  /** Devices seen on the network but not in the inventory (未纳管设备). */
  readonly unmanaged: UnmanagedDevices;

  constructor(
    stateDir: string,
    private readonly topology: Topology,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.store = new AssetStore(join(stateDir, 'assets.sqlite'));
    this.byNode = new Map(this.store.all().map((asset) => [asset.node, asset]));
    this.changeCount = this.store.changeCounts();
    this.unmanaged = new UnmanagedDevices(this.store.unmanaged, topology, log);
    this.timer = setInterval(() => this.flush(), TOUCH_EVERY_MS);
    this.timer.unref();
  }

  /** One samples event: the node answered; an entity read is compared and recorded. */
  observe(event: SamplesEvent): void {
    const node = event.node;
    if (!this.topology.has(node)) return;
    let asset = this.byNode.get(node);
    if (!asset) {
      this.store.firstSeen(node, event.timeMs);
      asset = {
        node,
        chassis: NOTHING_READ,
        modules: [],
        firstSeenMs: event.timeMs,
        lastSeenMs: event.timeMs,
        readAtMs: null,
      };
      this.byNode.set(node, asset);
    } else if (event.timeMs > asset.lastSeenMs) {
      asset.lastSeenMs = event.timeMs;
      this.unwritten.set(node, event.timeMs);
    }
    const read = observationOf(event);
    if (!read) return;
    const known = knownOf(asset);
    const obs = lostAllParts(known, read) ? { ...read, modules: asset.modules } : read;
    if (obs !== read) this.log.warn({ node }, 'entity read lists no parts: the walk is taken as cut short');
    const changes = assetChanges(known, obs);
    this.store.record(obs, changes, asset);
    this.byNode.set(node, {
      node,
      chassis: obs.chassis,
      modules: obs.modules,
      firstSeenMs: Math.min(asset.firstSeenMs, obs.timeMs),
      lastSeenMs: Math.max(asset.lastSeenMs, obs.timeMs),
      readAtMs: obs.timeMs,
    });
    if (changes.length > 0) this.changeCount.set(node, (this.changeCount.get(node) ?? 0) + changes.length);
    for (const change of changes) {
      this.log.info(
        {
          node: change.node,
          change: change.change,
          slot: change.slotName,
          class: change.partClass,
          field: change.field,
        },
        'asset changed',
      );
      this.bus.publish({ type: 'asset.change', ...change });
    }
  }

  /** Writes the remembered last-seen times (also on close). */
  flush(): void {
    if (this.unwritten.size === 0) return;
    this.store.touch(this.unwritten);
    this.unwritten.clear();
  }

  /** Every node seen so far. */
  assets(): StoredAsset[] {
    return [...this.byNode.values()];
  }

  changes(query: { nodes?: readonly string[] | null; node?: string; limit: number }): StoredChange[] {
    return this.store.changes(query);
  }

  changeCounts(): ReadonlyMap<string, number> {
    return this.changeCount;
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.store.close();
  }
}
