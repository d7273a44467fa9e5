/**
 * The device's own MIBs by vendor family: ENTITY-MIB plus the vendor's health MIBs. Adding a vendor
 * is a file here (its tables) and a profile in collector/profiles/ that reads them.
 */
import type { Device } from '../device';
import type { VendorFamily } from '../hardware';
import { entityEntries } from './entity';
import type { Entry } from './entry';
import { ciscoEntries } from './vendor-cisco';
import { h3cEntries } from './vendor-h3c';
import { huaweiEntries } from './vendor-huawei';
import { netSnmpEntries } from './vendor-net-snmp';
import { ruijieEntries } from './vendor-ruijie';
import { zteEntries } from './vendor-zte';

const VENDOR_ENTRIES: Record<VendorFamily, (dev: Device) => Entry[]> = {
  huawei: (dev) => [...entityEntries(dev), ...huaweiEntries(dev)],
  h3c: (dev) => [...entityEntries(dev), ...h3cEntries(dev)],
  cisco: (dev) => [...entityEntries(dev), ...ciscoEntries()],
  ruijie: (dev) => [...entityEntries(dev), ...ruijieEntries(dev)],
  zte: (dev) => [...entityEntries(dev), ...zteEntries(dev)],
  'net-snmp': netSnmpEntries,
};

export function vendorEntries(dev: Device): Entry[] {
  return VENDOR_ENTRIES[dev.family](dev);
}
