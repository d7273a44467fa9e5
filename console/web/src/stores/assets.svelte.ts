/** The asset register (设备台账) as the Assets page shows it: loaded over REST, refreshed on demand. */
import type { AssetChangeView, AssetChangesResponse, AssetRowView, AssetsResponse } from '../../../shared';
import { api, query } from '../lib/api';

class AssetsStore {
  rows = $state<AssetRowView[]>([]);
  changes = $state<AssetChangeView[]>([]);
  /** Server clock of the last load: ages are measured against it, not the browser's clock. */
  serverTimeMs = $state<number | null>(null);
  loadedAtMs = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const [list, changes] = await Promise.all([
        api.get<AssetsResponse>('/api/assets'),
        api.get<AssetChangesResponse>(`/api/assets/changes${query({ limit: 50 })}`),
      ]);
      this.rows = list.assets;
      this.changes = changes.changes;
      this.serverTimeMs = list.serverTimeMs;
      this.loadedAtMs = Date.now();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** One node's changes, newest first (the node page's asset history). */
  async changesOf(node: string, limit: number): Promise<AssetChangeView[]> {
    const body = await api.get<AssetChangesResponse>(`/api/assets/changes${query({ node, limit })}`);
    return body.changes;
  }

  clear(): void {
    this.rows = [];
    this.changes = [];
    this.serverTimeMs = null;
    this.loadedAtMs = null;
  }
}

export const assets = new AssetsStore();
