/**
 * A device profile: which devices it is for (sysObjectID prefixes, optionally a sysDescr pattern) and
 * where they keep CPU, memory, temperature, fans, power supplies and optical power. Declarative, like
 * LibreNMS's OS definitions: the poller (poll.ts) reads any profile the same way, so adding a vendor
 * is adding one file here and its line in index.ts.
 */

/** A column of percentages (one row per board/CPU); the node's value is the busiest row. */
export interface PercentColumn {
  kind: 'percent-column';
  oid: string;
}

/** Used and free (or total and available) columns; memPct = used / (used + free). */
export interface UsedFreeColumns {
  kind: 'used-free';
  usedOid: string;
  freeOid: string;
  /** Only rows whose name column matches (Cisco: the "Processor" pool). */
  nameOid?: string;
  namePattern?: RegExp;
}

/** net-snmp UCD-SNMP-MIB scalars: memTotalReal and memAvailReal (kB). */
export interface TotalAvailable {
  kind: 'total-available';
  totalOid: string;
  availableOid: string;
}

/** HOST-RESOURCES-MIB hrProcessorLoad / hrStorage RAM, as polled before profiles existed. */
export interface HostResources {
  kind: 'host-resources';
}

/** A state column per component (fan, power supply): which values are healthy, which mean "not fitted". */
export interface StateColumn {
  oid: string;
  /** Optional name column of the same table (else ENTITY-MIB entPhysicalName by index, else the index). */
  nameOid?: string;
  healthy: readonly number[];
  absent: readonly number[];
  /** The table is indexed by entPhysicalIndex and shared by all entities: keep rows of this entPhysicalClass. */
  entityClass?: number;
}

export interface OpticalColumns {
  rxOid: string;
  txOid: string;
  /** How the agent reports power: microwatts, or hundredths of a dBm. */
  unit: 'uW' | 'centi-dBm';
  /** Rows are indexed by entPhysicalIndex (name from ENTITY-MIB) or by ifIndex. */
  index: 'entity' | 'ifIndex';
  /** The vendor's "no reading" values besides the common sentinels (Ruijie: -10000). */
  invalid?: readonly number[];
}

export interface DeviceProfile {
  /** Stable id, e.g. "huawei-vrp"; stored as the node's `profile` tag. */
  id: string;
  /** Vendor name as inventories spell it (lower case). */
  vendor: string;
  /** The node's sysObjectID starts with one of these (dotted, no leading dot). */
  sysObjectIdPrefixes: readonly string[];
  /** When several profiles share a prefix, sysDescr decides. */
  sysDescrPattern?: RegExp;
  cpu: PercentColumn | HostResources | null;
  memory: PercentColumn | UsedFreeColumns | TotalAvailable | HostResources | null;
  /** °C; the node's value is the hottest sensor. */
  temperature: PercentColumn | null;
  fans: StateColumn | null;
  powerSupplies: StateColumn | null;
  optics: OpticalColumns | null;
  /** Read ENTITY-MIB entPhysicalTable (model, serial, hardware and firmware revision). */
  entityMib: boolean;
  /**
   * Read ENTITY-SENSOR-MIB entPhySensorTable (RFC 3433): every sensor becomes a `sensor` point, its
   * hottest °C sensor counts towards the temperature, and rpm sensors stand in for fans when the
   * profile has no fan table.
   */
  entitySensors: boolean;
}
