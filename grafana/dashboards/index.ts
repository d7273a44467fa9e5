/**
 * Every egov-noc dashboard, built in code with the Grafana foundation SDK. The same objects are sent
 * to Grafana's HTTP API and written as files for Grafana's file provisioning.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { collectorHealthDashboard } from './collector-health';
import { networkOverviewDashboard } from './network-overview';
import { nodeInterfacesDashboard } from './node-interfaces';
import { slaReportDashboard } from './sla-report';
import { videoLinksDashboard } from './video-links';

export { COLLECTOR_HEALTH_UID } from './collector-health';
export { NETWORK_OVERVIEW_UID } from './network-overview';
export { NODE_INTERFACES_UID } from './node-interfaces';
export { SLA_REPORT_UID } from './sla-report';
export { VIDEO_LINKS_UID } from './video-links';

/** Dashboard JSON as Grafana stores it: the SDK model, panel ids assigned, uid and title required. */
export type DashboardJson = Dashboard & { uid: string; title: string };

interface PanelLike {
  id?: number;
  panels?: PanelLike[];
}

/** Stable panel ids (1, 2, ...) in layout order, so panel links and embeds survive re-provisioning. */
function numberPanels(dashboard: Dashboard): DashboardJson {
  let next = 1;
  const visit = (panels: PanelLike[] | undefined): void => {
    for (const panel of panels ?? []) {
      panel.id = next++;
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  const { uid, title } = dashboard;
  if (uid === undefined || title === undefined)
    throw new Error('grafana: every dashboard needs a uid and a title');
  return { ...dashboard, uid, title };
}

export function buildDashboards(): DashboardJson[] {
  return [
    networkOverviewDashboard(),
    nodeInterfacesDashboard(),
    videoLinksDashboard(),
    collectorHealthDashboard(),
    slaReportDashboard(),
  ].map(numberPanels);
}
