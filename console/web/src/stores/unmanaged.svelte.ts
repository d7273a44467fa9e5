/** Devices seen on the network but not in the inventory (未纳管设备), as the Assets page lists them. */
import type { UnmanagedDevicesResponse, UnmanagedDeviceView } from '../../../shared';
import { api } from '../lib/api';

class UnmanagedStore {
  devices = $state<UnmanagedDeviceView[]>([]);
  evicted = $state(0);
  maxRows = $state(0);
  /** Server clock of the last load: ages are measured against it. */
  serverTimeMs = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const body = await api.get<UnmanagedDevicesResponse>('/api/assets/unmanaged');
      this.devices = body.devices;
      this.evicted = body.evicted;
      this.maxRows = body.maxRows;
      this.serverTimeMs = body.serverTimeMs;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.loading = false;
    }
  }

  /** Hides one (audited by the server); the list drops it at once. */
  async dismiss(id: number): Promise<void> {
    await api.post<null>(`/api/assets/unmanaged/${id}/dismiss`);
    this.devices = this.devices.filter((device) => device.id !== id);
  }
}

export const unmanaged = new UnmanagedStore();
