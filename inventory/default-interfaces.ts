import type { DeviceRole, NodeInterface } from '../domain';

/** How many ports a device of each role has when the inventory does not list them. */
const PORTS_BY_ROLE: Record<DeviceRole, number> = {
  router: 8,
  switch: 24,
  firewall: 8,
  server: 2,
  mcu: 4,
  codec: 2,
};

const SPEED_BY_ROLE: Record<DeviceRole, number> = {
  router: 1000,
  switch: 1000,
  firewall: 1000,
  server: 1000,
  mcu: 1000,
  codec: 100,
};

/** Interface names as the vendors' CLIs print them, so operators recognise them. */
function interfaceName(vendor: string, role: DeviceRole, position: number): string {
  if (role === 'server') return `eth${position}`;
  if (role === 'mcu' || role === 'codec') return `LAN${position + 1}`;
  const v = vendor.toLowerCase();
  if (v === 'h3c') return `GigabitEthernet1/0/${position + 1}`;
  if (v === 'cisco') return `GigabitEthernet0/${position}`;
  if (v === 'zte') return `gei-0/1/0/${position + 1}`;
  return `GE0/0/${position}`;
}

export function defaultInterfaces(vendor: string, role: DeviceRole, ports?: number): NodeInterface[] {
  const count = ports ?? PORTS_BY_ROLE[role];
  return Array.from({ length: count }, (_, position) => ({
    ifIndex: position + 1,
    name: interfaceName(vendor, role, position),
    speedMbps: SPEED_BY_ROLE[role],
  }));
}
