/**
 * `egov-noc grafana provision`: make a running Grafana hold the egov-noc folder, the InfluxDB data
 * source and the dashboards — creating what is missing, updating what differs, leaving the rest. Safe
 * to run again and again; objects are matched by uid, never duplicated.
 */
import { GrafanaClient } from './client';
import { datasourceBody, type InfluxDatasourceSettings } from './datasource';
import { buildDashboards, type DashboardJson } from './dashboards/index';

export const FOLDER_UID = 'egov-noc';
export const FOLDER_TITLE = 'egov-noc';
const SAVE_MESSAGE = 'egov-noc grafana provision';

export type ProvisionAction = 'created' | 'updated' | 'unchanged';

export interface ProvisionStep {
  kind: 'folder' | 'datasource' | 'dashboard';
  uid: string;
  title: string;
  action: ProvisionAction;
}

export interface ProvisionOptions {
  grafanaUrl: string;
  token: string;
  influx: InfluxDatasourceSettings;
  timeoutMs?: number;
  /** Called once Grafana has answered its health check, before anything is written. */
  onConnected?: (grafana: { url: string; version: string }) => void;
  /** Called after each object, so the CLI can print progress as it goes. */
  onStep?: (step: ProvisionStep) => void;
}

/** Key-order-independent JSON text, for "is the stored dashboard already ours?". */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The dashboard without the fields Grafana owns (id, version), as JSON would carry it. */
function comparable(dashboard: Record<string, unknown>): string {
  const {
    id: _id,
    version: _version,
    ...rest
  } = JSON.parse(JSON.stringify(dashboard)) as Record<string, unknown>;
  return canonical(rest);
}

export async function provisionGrafana(opts: ProvisionOptions): Promise<ProvisionStep[]> {
  const client = new GrafanaClient({ url: opts.grafanaUrl, token: opts.token, timeoutMs: opts.timeoutMs });
  const steps: ProvisionStep[] = [];
  const record = (step: ProvisionStep): void => {
    steps.push(step);
    opts.onStep?.(step);
  };

  // Is this Grafana, and is it well? Nothing is written before this answers.
  const health = await client.health();
  opts.onConnected?.({ url: client.baseUrl, version: health.version });

  // Folder first: dashboards are saved into it by uid.
  const folder = await client.getFolder(FOLDER_UID);
  if (folder === null) {
    await client.createFolder({ uid: FOLDER_UID, title: FOLDER_TITLE });
    record({ kind: 'folder', uid: FOLDER_UID, title: FOLDER_TITLE, action: 'created' });
  } else if (folder.title !== FOLDER_TITLE) {
    await client.updateFolder({ uid: FOLDER_UID, title: FOLDER_TITLE });
    record({ kind: 'folder', uid: FOLDER_UID, title: FOLDER_TITLE, action: 'updated' });
  } else {
    record({ kind: 'folder', uid: FOLDER_UID, title: FOLDER_TITLE, action: 'unchanged' });
  }

  // The data source is always written when it exists: its password cannot be read back to compare.
  const body = datasourceBody(opts.influx);
  if ((await client.getDatasource(body.uid)) === null) {
    await client.createDatasource(body);
    record({ kind: 'datasource', uid: body.uid, title: body.name, action: 'created' });
  } else {
    await client.updateDatasource(body);
    record({ kind: 'datasource', uid: body.uid, title: body.name, action: 'updated' });
  }

  for (const dashboard of buildDashboards()) {
    record(await provisionDashboard(client, dashboard));
  }
  return steps;
}

async function provisionDashboard(client: GrafanaClient, dashboard: DashboardJson): Promise<ProvisionStep> {
  const stored = await client.getDashboard(dashboard.uid);
  const step = { kind: 'dashboard' as const, uid: dashboard.uid, title: dashboard.title };
  if (
    stored !== null &&
    stored.meta.folderUid === FOLDER_UID &&
    comparable(stored.dashboard) === comparable(dashboard as unknown as Record<string, unknown>)
  ) {
    return { ...step, action: 'unchanged' };
  }
  await client.saveDashboard(dashboard, FOLDER_UID, SAVE_MESSAGE);
  return { ...step, action: stored === null ? 'created' : 'updated' };
}
