/**
 * ENTITY-SENSOR-MIB (RFC 3433) entPhySensorTable, indexed by entPhysicalIndex: type, scale,
 * precision, value and operational status of every sensor the device has. Cisco IOS-XE reports its
 * temperatures, fan speeds and supply voltages here; any other agent that answers it is read too.
 */
import { toNumber, type Column } from '../snmp/session';

const SENSOR_ENTRY = '1.3.6.1.2.1.99.1.1.1';
export const SENSOR_COLUMNS = {
  /** entPhySensorType */
  type: `${SENSOR_ENTRY}.1`,
  /** entPhySensorScale: yocto(1) … units(9) … yotta(17), powers of 1000 */
  scale: `${SENSOR_ENTRY}.2`,
  /** entPhySensorPrecision: decimal places in the value (-8..9) */
  precision: `${SENSOR_ENTRY}.3`,
  /** entPhySensorValue */
  value: `${SENSOR_ENTRY}.4`,
  /** entPhySensorOperStatus: ok(1) unavailable(2) nonoperational(3) */
  operStatus: `${SENSOR_ENTRY}.5`,
} as const;
export const SENSOR_COLUMN_OIDS: readonly string[] = Object.values(SENSOR_COLUMNS);

/** entPhySensorType (EntitySensorDataType) in the words the `sensor` points carry. */
const TYPE_NAMES: Record<number, string> = {
  1: 'other',
  2: 'unknown',
  3: 'voltsAC',
  4: 'voltsDC',
  5: 'amperes',
  6: 'watts',
  7: 'hertz',
  8: 'celsius',
  9: 'percentRH',
  10: 'rpm',
  11: 'cmm',
  12: 'truthvalue',
};
const UNITS_SCALE = 9;
const OPER_OK = 1;
const OPER_UNAVAILABLE = 2;

export interface SensorReading {
  /** entPhysicalIndex of the sensor */
  index: string;
  name: string;
  type: string;
  /** In the type's base unit (°C, V, A, W, rpm); null when the agent says the reading is unavailable. */
  value: number | null;
  /** entPhySensorOperStatus ok(1) */
  ok: boolean;
  operStatus: number;
}

/** value × 1000^(scale − units) ÷ 10^precision, rounded to the precision the agent reports. */
export function sensorValue(raw: number, scale: number, precision: number): number {
  const digits = Math.max(0, precision - 3 * (scale - UNITS_SCALE));
  const value = (raw * 1000 ** (scale - UNITS_SCALE)) / 10 ** precision;
  return digits > 12 ? value : Number(value.toFixed(digits));
}

export function parseSensors(
  col: (oid: string) => Column | undefined,
  nameOf: ReadonlyMap<string, string>,
): SensorReading[] {
  const out: SensorReading[] = [];
  const scales = col(SENSOR_COLUMNS.scale);
  const precisions = col(SENSOR_COLUMNS.precision);
  const values = col(SENSOR_COLUMNS.value);
  const statuses = col(SENSOR_COLUMNS.operStatus);
  for (const [index, typeVb] of col(SENSOR_COLUMNS.type) ?? []) {
    const type = toNumber(typeVb) ?? 2;
    const raw = toNumber(values?.get(index));
    const operStatus = toNumber(statuses?.get(index)) ?? OPER_UNAVAILABLE;
    const scale = toNumber(scales?.get(index)) ?? UNITS_SCALE;
    const precision = toNumber(precisions?.get(index)) ?? 0;
    out.push({
      index,
      name: nameOf.get(index) ?? `sensor ${index}`,
      type: TYPE_NAMES[type] ?? String(type),
      value: raw === null || operStatus === OPER_UNAVAILABLE ? null : sensorValue(raw, scale, precision),
      ok: operStatus === OPER_OK,
      operStatus,
    });
  }
  return out;
}
