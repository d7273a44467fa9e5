import type { AvailabilityFigures, Outage } from './types';

const pct = (upS: number, totalS: number): number | null => (totalS > 0 ? (100 * upS) / totalS : null);

/** Availability, MTTR and MTBF from measured time, root-cause downtime and the outage list. */
export function figuresOf(input: {
  measuredS: number;
  maintenanceS: number;
  ownDownS: number;
  impactedS: number;
  outages: readonly Outage[];
}): AvailabilityFigures {
  const counted = input.outages.filter((outage) => !outage.planned);
  const upS = input.measuredS - input.ownDownS;
  return {
    measuredS: input.measuredS,
    maintenanceS: input.maintenanceS,
    ownDownS: input.ownDownS,
    impactedS: input.impactedS,
    availabilityPct: pct(upS, input.measuredS),
    outages: counted.length,
    mttrS: counted.length === 0 ? null : counted.reduce((sum, o) => sum + o.downS, 0) / counted.length,
    mtbfS: counted.length === 0 ? null : upS / counted.length,
  };
}

export function availabilityPct(measuredS: number, ownDownS: number): number | null {
  return pct(measuredS - ownDownS, measuredS);
}
