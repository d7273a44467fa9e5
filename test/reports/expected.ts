/** The figures of the month fixture, worked out by hand from its outage list (see month-fixture.ts). */
import type { MonthFixture } from './month-fixture';

const HOUR_S = 3600;

export interface ExpectedNode {
  measuredS: number;
  maintenanceS: number;
  ownDownS: number;
  impactedS: number;
  outages: number;
  mttrS: number | null;
}

export function expectedNodes(fixture: MonthFixture): Record<string, ExpectedNode> {
  const month = fixture.monthS;
  return {
    // planned work 01:00–04:00 on day 10 (3 h); 2 h + 30 min unplanned
    'a-gw': {
      measuredS: month - 3 * HOUR_S,
      maintenanceS: 3 * HOUR_S,
      ownDownS: 9000,
      impactedS: 0,
      outages: 2,
      mttrS: 4500,
    },
    // its parent's planned hour counts as maintenance here too; the parent's 2.5 h as impacted
    'a-town': {
      measuredS: month - HOUR_S,
      maintenanceS: HOUR_S,
      ownDownS: 2700,
      impactedS: 9000,
      outages: 1,
      mttrS: 2700,
    },
    // 3 of 5 polls of one bucket down: 180 s; impacted by a-gw (2.5 h) and a-town (45 min)
    'a-dept': {
      measuredS: month - HOUR_S,
      maintenanceS: HOUR_S,
      ownDownS: 180,
      impactedS: 11_700,
      outages: 1,
      mttrS: 180,
    },
    'b-gw': { measuredS: month, maintenanceS: 0, ownDownS: 14_400, impactedS: 0, outages: 1, mttrS: 14_400 },
    'b-town': {
      measuredS: month - fixture.sundayWindows * 2 * HOUR_S,
      maintenanceS: fixture.sundayWindows * 2 * HOUR_S,
      ownDownS: 0,
      impactedS: 14_400,
      outages: 0,
      mttrS: null,
    },
    // one day without readings; the silence that mutes one rule is not maintenance
    'c-gw': {
      measuredS: month - 24 * HOUR_S,
      maintenanceS: 0,
      ownDownS: 0,
      impactedS: 0,
      outages: 0,
      mttrS: null,
    },
    'city-core': { measuredS: month, maintenanceS: 0, ownDownS: 0, impactedS: 0, outages: 0, mttrS: null },
  };
}

export const availability = (node: ExpectedNode): number =>
  (100 * (node.measuredS - node.ownDownS)) / node.measuredS;
