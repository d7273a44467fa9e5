/**
 * Devices seen on the network but not in the inventory (未纳管设备), as GET /api/assets/unmanaged
 * gives them and the Assets page lists them; POST /api/assets/unmanaged/:id/dismiss hides one.
 */
import type { SightingSource } from '../../domain';

export interface UnmanagedDeviceView {
  id: number;
  /** How it was seen: an LLDP neighbour of an inventory node, a trap or a syslog sender. */
  source: SightingSource;
  /** The sender's address, or the management address LLDP advertised; null: none advertised. */
  address: string | null;
  /** LLDP sysName or syslog HOSTNAME as the device gave it (untrusted); null: none. */
  name: string | null;
  chassisId: string | null;
  /** LLDP: the inventory node and port it was seen on, and its own port. */
  seenBy: { node: string; nodeName: string; ifName: string; remotePort: string } | null;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Inventory YAML discovery would propose for it; guessed fields marked `# guessed`. */
  proposal: string;
}

export interface UnmanagedDevicesResponse {
  devices: UnmanagedDeviceView[];
  /** Rows dropped to keep the list bounded (least seen first) since the register was made. */
  evicted: number;
  /** The bound. */
  maxRows: number;
  /** Server clock when built: with lastSeenMs the page shows how old each sighting is. */
  serverTimeMs: number;
}
