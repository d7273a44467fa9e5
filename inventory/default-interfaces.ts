import type { DeviceRole, NodeInterface } from '../domain';

/** How many ports a device of each role has when the inventory does not list them. */
const PORTS_BY_ROLE: Record<DeviceRole, number> = {
  router: 8,
  switch: 24,
  firewall: 8,
  server: 2,
  mcu: 4,
  codec: 2,
  gatekeeper: 4,
};

const SPEED_BY_ROLE: Record<DeviceRole, number> = {
  router: 1000,
  switch: 1000,
  firewall: 1000,
  server: 1000,
  mcu: 1000,
  codec: 100,
  gatekeeper: 1000,
};

/**
 * A gatekeeper (网闸) is two hosts joined by a one-way ferry: the first half of its ports face the
 * inner network (内端机), the rest the outer one (外端机).
 */
function gatekeeperPortName(position: number, ports: number): string {
  const inner = Math.ceil(ports / 2);
  return position < inner ? `inner-eth${position}` : `outer-eth${position - inner}`;
}

/** Interface names as the vendors' CLIs print them, so operators recognise them. */
function interfaceName(vendor: string, role: DeviceRole, position: number, ports: number): string {
  if (role === 'server') return `eth${position}`;
  if (role === 'gatekeeper') return gatekeeperPortName(position, ports);
  if (role === 'mcu' || role === 'codec') return `LAN${position + 1}`;
  const v = vendor.toLowerCase();
  if (v === 'h3c') return `GigabitEthernet1/0/${position + 1}`;
  if (v === 'cisco') return `GigabitEthernet0/${position}`;
  if (v === 'zte') return `gei-0/1/0/${position + 1}`;
  if (v === 'ruijie') return `GigabitEthernet 0/${position + 1}`;
  return `GE0/0/${position}`;
}

export function defaultInterfaces(vendor: string, role: DeviceRole, ports?: number): NodeInterface[] {
  const count = ports ?? PORTS_BY_ROLE[role];
  return Array.from({ length: count }, (_, position) => ({
    ifIndex: position + 1,
    name: interfaceName(vendor, role, position, count),
    speedMbps: SPEED_BY_ROLE[role],
  }));
}
