import type { unmanagedZh } from './messages-unmanaged-zh-cn';

/** Strings of the Assets page's list of devices seen but not in the inventory (English). */
export const unmanagedEn: Record<keyof typeof unmanagedZh, string> = {
  'unmanaged.title': 'Seen but not in the inventory',
  'unmanaged.note':
    'Devices on the network that the inventory does not list: LLDP neighbours, unknown trap and syslog senders. An entry goes away once the device is added to the inventory and it is reloaded.',
  'unmanaged.none': 'No devices seen outside the inventory',
  'unmanaged.count': '{n} devices',
  'unmanaged.evicted': 'The list keeps at most {max}; {n} least seen were dropped',
  'unmanaged.loadFailed': 'Could not load the devices seen: {reason}',
  'unmanaged.loadedAt': 'List updated {age}',
  'unmanaged.address': 'Address',
  'unmanaged.name': 'Name',
  'unmanaged.seenAs': 'Seen as',
  'unmanaged.firstSeen': 'First seen',
  'unmanaged.lastSeen': 'Last seen',
  'unmanaged.times': 'Count',
  'unmanaged.source.lldp': 'LLDP: {node} port {port}',
  'unmanaged.source.trap': 'Trap (unknown sender)',
  'unmanaged.source.syslog': 'Syslog (unknown sender)',
  'unmanaged.noAddress': 'not advertised',
  'unmanaged.noName': '—',
  'unmanaged.proposal': 'Proposed entry',
  'unmanaged.proposalOf':
    'Proposed inventory entry for {name} (fields marked # guessed are guesses: check them before adding to inventory.yaml)',
  'unmanaged.copy': 'Copy',
  'unmanaged.copied': 'Copied',
  'unmanaged.copyFailed': 'Could not copy: select the text instead',
  'unmanaged.dismiss': 'Dismiss',
  'unmanaged.dismissConfirm':
    'Dismiss {name}? It will not be listed again when seen later (recorded in the audit log).',
  'unmanaged.dismissFailed': 'Could not dismiss: {reason}',
};
