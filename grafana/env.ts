/** Environment variables the Grafana tooling reads; a module of its own so the CLI can name them without loading the SDK. */
export const GRAFANA_TOKEN_ENV = 'GRAFANA_TOKEN';
/** Set in Grafana's environment (docker/grafana.env); expanded by Grafana in the data source file. */
export const INFLUX_READ_USER_ENV = 'INFLUX_READ_USER';
/** Read by `grafana provision`, and expanded by Grafana in the data source file. */
export const INFLUX_READ_PASSWORD_ENV = 'INFLUX_READ_PASSWORD';
