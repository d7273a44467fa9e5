/** Grafana for egov-noc: dashboards built in code, provisioned over the HTTP API or written as files. */
export { GrafanaClient, GrafanaError } from './client';
export { DATASOURCE_NAME, DATASOURCE_UID, datasourceBody, type InfluxDatasourceSettings } from './datasource';
export { buildDashboards, type DashboardJson } from './dashboards/index';
export {
  FOLDER_TITLE,
  FOLDER_UID,
  provisionGrafana,
  type ProvisionStep,
  type ProvisionAction,
} from './provision';
export {
  CONTAINER_DASHBOARDS_DIR,
  writeProvisioningFiles,
  datasourceProvisioningYaml,
  dashboardProviderYaml,
} from './files';
export { GRAFANA_TOKEN_ENV, INFLUX_READ_PASSWORD_ENV, INFLUX_READ_USER_ENV } from './env';
