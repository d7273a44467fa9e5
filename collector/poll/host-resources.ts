/** HOST-RESOURCES-MIB: CPU load (hrProcessorLoad, mean over processors) and storage (hrStorageTable). */
import { toNumber, toText, type SnmpResult, type SnmpSession } from '../snmp/session';

const HR_PROCESSOR_LOAD = '1.3.6.1.2.1.25.3.3.1.2';
const HR_STORAGE_ENTRY = '1.3.6.1.2.1.25.2.3.1';
const HR_STORAGE_TYPE = `${HR_STORAGE_ENTRY}.2`;
const HR_STORAGE_DESCR = `${HR_STORAGE_ENTRY}.3`;
const HR_STORAGE_UNITS = `${HR_STORAGE_ENTRY}.4`;
const HR_STORAGE_SIZE = `${HR_STORAGE_ENTRY}.5`;
const HR_STORAGE_USED = `${HR_STORAGE_ENTRY}.6`;
/** hrStorageRam */
const HR_STORAGE_RAM = '1.3.6.1.2.1.25.2.1.2';

export interface StorageReading {
  index: number;
  descr: string;
  ram: boolean;
  sizeBytes: number;
  usedBytes: number;
}

export interface HostResourcesReading {
  /** Mean hrProcessorLoad, null when the agent has no processor table. */
  cpuPct: number | null;
  /** Used share of the RAM storage row, null when there is none. */
  memPct: number | null;
  storage: StorageReading[];
  values: number;
  requests: number;
}

export async function pollHostResources(
  session: SnmpSession,
  maxRepetitions: number,
): Promise<SnmpResult<HostResourcesReading>> {
  const columns = [
    HR_PROCESSOR_LOAD,
    HR_STORAGE_TYPE,
    HR_STORAGE_DESCR,
    HR_STORAGE_UNITS,
    HR_STORAGE_SIZE,
    HR_STORAGE_USED,
  ];
  const walked = await session.walkColumns(columns, maxRepetitions);
  if (!walked.ok) return walked;
  const [cpu, type, descr, units, size, used] = walked.value.columns;
  const loads = [...(cpu?.values() ?? [])].map(toNumber).filter((n): n is number => n !== null);
  const storage: StorageReading[] = [];
  for (const [suffix, sizeVb] of size ?? []) {
    const unit = toNumber(units?.get(suffix)) ?? 0;
    const sizeUnits = toNumber(sizeVb) ?? 0;
    const usedUnits = toNumber(used?.get(suffix));
    if (unit <= 0 || sizeUnits <= 0 || usedUnits === null) continue;
    const typeVb = type?.get(suffix);
    storage.push({
      index: Number(suffix),
      descr: toText(descr?.get(suffix)) ?? `storage${suffix}`,
      ram: typeVb !== undefined && String(typeVb.value) === HR_STORAGE_RAM,
      sizeBytes: sizeUnits * unit,
      usedBytes: usedUnits * unit,
    });
  }
  const ram = storage.find((s) => s.ram);
  let values = 0;
  for (const c of walked.value.columns) values += c.size;
  return {
    ok: true,
    value: {
      cpuPct: loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : null,
      memPct: ram ? (ram.usedBytes / ram.sizeBytes) * 100 : null,
      storage,
      values,
      requests: walked.value.requests,
    },
  };
}
