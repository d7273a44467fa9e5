/**
 * The one Grafana data source egov-noc needs: its InfluxDB 1.x database, addressed by a fixed uid so
 * every dashboard panel can name it whether it was provisioned over the HTTP API or from files.
 */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

export const DATASOURCE_UID = 'egov-noc-influxdb';
export const DATASOURCE_NAME = 'egov-noc InfluxDB';
export const DATASOURCE_REF: DataSourceRef = { type: 'influxdb', uid: DATASOURCE_UID };

export interface InfluxDatasourceSettings {
  /** InfluxDB URL as Grafana's server (not the browser) reaches it, e.g. http://influxdb:8086. */
  url: string;
  database: string;
  /** Read-only InfluxDB user for Grafana; empty when InfluxDB runs without auth. */
  user?: string;
  password?: string;
}

/** Body for POST /api/datasources and PUT /api/datasources/uid/:uid. */
export interface DatasourceBody {
  uid: string;
  name: string;
  type: 'influxdb';
  access: 'proxy';
  url: string;
  user: string;
  /** Pre-Grafana-9 field; newer versions read jsonData.dbName. Both are sent. */
  database: string;
  basicAuth: false;
  isDefault: false;
  jsonData: { dbName: string; httpMode: 'GET' | 'POST'; version: 'InfluxQL'; timeInterval: string };
  secureJsonData?: { password: string };
}

export function datasourceBody(settings: InfluxDatasourceSettings): DatasourceBody {
  const body: DatasourceBody = {
    uid: DATASOURCE_UID,
    name: DATASOURCE_NAME,
    type: 'influxdb',
    access: 'proxy',
    url: settings.url,
    user: settings.user ?? '',
    database: settings.database,
    basicAuth: false,
    isDefault: false,
    // GET: InfluxQL SELECTs only; the shortest poll interval is the natural minimum step.
    jsonData: { dbName: settings.database, httpMode: 'GET', version: 'InfluxQL', timeInterval: '30s' },
  };
  if (settings.password !== undefined && settings.password !== '') {
    body.secureJsonData = { password: settings.password };
  }
  return body;
}
