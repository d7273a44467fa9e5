/**
 * The asset register (设备台账), kept by the console server from the samples on the bus: each entity
 * read is compared with the last one recorded; a change is stored with its old and new value and
 * published as `asset.change`, which the alert engine's asset-change rule turns into an info alert.
 * "Last seen" moves on every answered poll, written to the file once a minute.
 */
import { join } from 'node:path';
import type { EventBus } from '../../../bus';
import type { Logger } from '../../../common';
import type { NodeId, SamplesEvent } from '../../../domain';
import type { Topology } from '../../../inventory';
import { assetChanges } from './changes';
import { observationOf } from './observation';
import { AssetStore, type StoredAsset, type StoredChange } from './store';

const TOUCH_EVERY_MS = 60_000;

export class AssetRegister {
  private readonly store: AssetStore;
  private readonly lastSeen = new Map<NodeId, number>();
  /** Nodes that have a row: the first samples of any other node creates one. */
  private readonly seen: Set<string>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    stateDir: string,
    private readonly topology: Topology,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.store = new AssetStore(join(stateDir, 'assets.sqlite'));
    this.seen = this.store.nodes();
    this.timer = setInterval(() => this.flush(), TOUCH_EVERY_MS);
    this.timer.unref();
  }

  /** One samples event: remembers that the node answered; an entity read is compared and recorded. */
  observe(event: SamplesEvent): void {
    if (!this.topology.has(event.node)) return;
    this.lastSeen.set(event.node, Math.max(this.lastSeen.get(event.node) ?? 0, event.timeMs));
    if (!this.seen.has(event.node)) {
      this.store.firstSeen(event.node, event.timeMs);
      this.seen.add(event.node);
    }
    const obs = observationOf(event);
    if (!obs) return;
    const changes = assetChanges(this.store.known(obs.node), obs);
    this.store.record(obs, changes);
    for (const change of changes) {
      this.log.info(
        { node: change.node, change: change.change, slot: change.slotName, field: change.field },
        'asset changed',
      );
      this.bus.publish({ type: 'asset.change', ...change });
    }
  }

  /** Writes the remembered last-seen times (also on stop). */
  flush(): void {
    if (this.lastSeen.size === 0) return;
    this.store.touch(this.lastSeen);
    this.lastSeen.clear();
  }

  /** Every node read so far, with last-seen times not yet flushed applied. */
  assets(): StoredAsset[] {
    return this.store.all().map((asset) => {
      const seen = this.lastSeen.get(asset.node);
      return seen !== undefined && seen > asset.lastSeenMs ? { ...asset, lastSeenMs: seen } : asset;
    });
  }

  changes(query: { nodes?: readonly string[] | null; node?: string; limit: number }): StoredChange[] {
    return this.store.changes(query);
  }

  changeCounts(): Map<string, number> {
    return this.store.changeCounts();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.store.close();
  }
}
