/**
 * Small shared pieces for the egov-noc dashboards: the InfluxQL target bound to our data source, the
 * tag-value variables, and panel defaults (zh-CN first, English second; stale data shows as "no data",
 * never as a line drawn across the gap).
 */
import {
  DashboardBuilder,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import {
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { RAW_RP } from '../../metrics';
import { DATASOURCE_REF } from '../datasource';
import { InfluxqlQueryBuilder } from '../influxql-query';

/** Raw samples live in the default RP; dashboards read them explicitly so a changed default cannot mislead. */
export const from = (measurement: string, rp: string = RAW_RP): string => `"${rp}"."${measurement}"`;

/** `"tag" =~ /^$var$/` — matches one, several or All values of a multi-value variable. */
export const matches = (tag: string, variable: string): string => `"${tag}" =~ /^$${variable}$/`;

export function influx(refId: string, query: string, alias?: string): InfluxqlQueryBuilder {
  const builder = new InfluxqlQueryBuilder(query).refId(refId).datasource(DATASOURCE_REF);
  return alias === undefined ? builder : builder.alias(alias);
}

export function newDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['egov-noc'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .readonly();
}

/** A variable listing the values of one tag of one measurement, optionally narrowed by other variables. */
export function tagVariable(
  name: string,
  label: string,
  measurement: string,
  tag: string,
  opts: { multi?: boolean; where?: string; rp?: string } = {},
): QueryVariableBuilder {
  const where = opts.where === undefined ? '' : ` WHERE ${opts.where}`;
  const query = `SHOW TAG VALUES FROM ${from(measurement, opts.rp)} WITH KEY = "${tag}"${where}`;
  const variable = new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE_REF)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
  if (opts.multi === true) variable.multi(true).includeAll(true).allValue('.*');
  return variable;
}

export function thresholds(steps: Threshold[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

const tableLegend = (): VizLegendOptionsBuilder =>
  new VizLegendOptionsBuilder()
    .displayMode(LegendDisplayMode.Table)
    .placement(LegendPlacement.Bottom)
    .showLegend(true)
    .calcs(['mean', 'max', 'lastNotNull']);

export function timeseries(title: string, unit: string, width = 12): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .datasource(DATASOURCE_REF)
    .unit(unit)
    .span(width)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(false)
    .noValue('无数据 · no data')
    .legend(tableLegend());
}

export function stat(title: string, unit: string, width = 6): StatPanel {
  return new StatPanel()
    .title(title)
    .datasource(DATASOURCE_REF)
    .unit(unit)
    .span(width)
    .height(4)
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.Area)
    .noValue('无数据 · no data')
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

export const green = (value: number | null = null): Threshold => ({ value, color: 'green' });
export const yellow = (value: number): Threshold => ({ value, color: 'yellow' });
export const red = (value: number | null): Threshold => ({ value, color: 'red' });
