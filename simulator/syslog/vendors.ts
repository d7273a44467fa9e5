/**
 * Which log dialect a node speaks, by its inventory vendor: Huawei VRP, H3C Comware, Cisco IOS; any
 * other vendor or a server (net-snmp host) logs like the Linux host it is (sshd, sudo, chronyd).
 * With each dialect, what its operators type: read-only commands and configuration changes.
 */
import type { InventoryNode } from '../../domain';
import type { VendorFormatter } from './events';
import { formatCisco } from './vendor-cisco';
import { formatH3c } from './vendor-h3c';
import { formatHuawei } from './vendor-huawei';
import { formatLinux } from './vendor-linux';

export type LogDialect = 'huawei-vrp' | 'h3c-comware' | 'cisco-ios' | 'linux';

export interface Dialect {
  name: LogDialect;
  format: VendorFormatter;
  /** Read-only commands an operator runs during a session. */
  displayCommands: readonly string[];
  /** Commands that change the configuration (Chinese descriptions, as operators type them). */
  configCommands: readonly string[];
}

const DIALECTS: Record<LogDialect, Dialect> = {
  'huawei-vrp': {
    name: 'huawei-vrp',
    format: formatHuawei,
    displayCommands: ['display interface brief', 'display ip routing-table', 'display current-configuration'],
    configCommands: [
      'description 至政务外网区县上联',
      'undo shutdown',
      'ip route-static 0.0.0.0 0 10.0.0.254',
    ],
  },
  'h3c-comware': {
    name: 'h3c-comware',
    format: formatH3c,
    displayCommands: ['display interface brief', 'display logbuffer', 'display version'],
    configCommands: ['description 接入乡镇政务网', 'port link-type trunk', 'undo shutdown'],
  },
  'cisco-ios': {
    name: 'cisco-ios',
    format: formatCisco,
    displayCommands: ['show ip interface brief', 'show running-config', 'show logging'],
    configCommands: ['description uplink-to-city', 'no shutdown', 'ip route 0.0.0.0 0.0.0.0 10.0.0.254'],
  },
  linux: {
    name: 'linux',
    format: formatLinux,
    displayCommands: ['/usr/bin/systemctl status snmpd', '/usr/bin/journalctl -u snmpd'],
    configCommands: ['/usr/bin/vi /etc/snmp/snmpd.conf', '/usr/bin/systemctl reload snmpd'],
  },
};

export function dialectOf(node: Pick<InventoryNode, 'vendor' | 'role'>): Dialect {
  if (node.role === 'server') return DIALECTS.linux;
  switch (node.vendor.toLowerCase()) {
    case 'huawei':
      return DIALECTS['huawei-vrp'];
    case 'h3c':
      return DIALECTS['h3c-comware'];
    case 'cisco':
      return DIALECTS['cisco-ios'];
    default:
      return DIALECTS.linux;
  }
}
