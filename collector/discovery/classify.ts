/**
 * Vendor, model and role of a found device, from what it says about itself: the profile its
 * sysObjectID matched, the enterprise number, the chassis model (ENTITY-MIB), sysDescr and
 * sysServices. Rules are a table, first match wins; a device none of them places is a server.
 */
import type { DeviceRole } from '../../domain';
import type { FoundDevice } from './identify';

/** IANA enterprise numbers of vendors seen in these networks (the profiles cover the first five). */
const ENTERPRISES: Record<string, string> = {
  '2011': 'huawei',
  '25506': 'h3c',
  '9': 'cisco',
  '4881': 'ruijie',
  '3902': 'zte',
  '37945': 'inspur',
  '2636': 'juniper',
  '14331': 'topsec',
  '15227': 'leadsec',
};

/** The vendor as inventories spell it, or null when only the agent software is known (net-snmp). */
export function vendorOf(device: FoundDevice): string | null {
  if (device.profileVendor !== 'net-snmp' && device.profileVendor !== 'unknown') return device.profileVendor;
  const match = /^1\.3\.6\.1\.4\.1\.(\d+)(\.|$)/.exec(device.sysObjectId);
  return (match && ENTERPRISES[match[1] as string]) ?? null;
}

export function modelOf(device: FoundDevice): string | null {
  return device.model?.trim() || null;
}

interface RoleRule {
  role: DeviceRole;
  test: (device: FoundDevice, model: string) => boolean;
}

/** sysServices bits (RFC 3418): 2 = datalink/subnetwork (layer 2), 4 = internet (layer 3). */
const LAYER2 = 2;
const LAYER3 = 4;

const RULES: readonly RoleRule[] = [
  { role: 'mcu', test: (d) => /Multipoint Control Unit|\bMCU\b/i.test(d.sysDescr) },
  { role: 'codec', test: (d) => /Videoconferencing Endpoint|TelePresence|\bcodec\b/i.test(d.sysDescr) },
  { role: 'gatekeeper', test: (d, m) => /gatekeeper|网闸|\bGAP\b|-GT\b/i.test(`${m} ${d.sysDescr}`) },
  {
    role: 'firewall',
    test: (d, m) =>
      /^(USG|Eudemon|SecPath|F\d{3,4}|ASA|NGFW|FortiGate)/i.test(m) || /firewall/i.test(d.sysDescr),
  },
  { role: 'server', test: (d) => d.profileId === 'net-snmp-linux' || /^Linux\b/.test(d.sysDescr) },
  { role: 'router', test: (d) => d.sysServices !== null && (d.sysServices & LAYER3) !== 0 },
  { role: 'switch', test: (d) => d.sysServices !== null && (d.sysServices & LAYER2) !== 0 },
  { role: 'switch', test: (_, m) => /^(S\d|CE\d|Catalyst|WS-C|RG-S)/i.test(m) },
  { role: 'router', test: (_, m) => /^(AR|NE|MSR|CR|SR|ISR|ASR|RG-RSR)\d*/i.test(m) },
];

export function roleOf(device: FoundDevice): DeviceRole {
  const model = modelOf(device) ?? '';
  return RULES.find((rule) => rule.test(device, model))?.role ?? 'server';
}

/** Core above aggregation above access: who is placed higher when LLDP alone leaves a choice. */
export function roleRank(role: DeviceRole): number {
  switch (role) {
    case 'router':
      return 0;
    case 'firewall':
    case 'gatekeeper':
      return 1;
    case 'switch':
      return 2;
    case 'server':
    case 'mcu':
    case 'codec':
      return 3;
  }
}
