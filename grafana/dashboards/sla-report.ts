/**
 * 可用性与利用率报表 — availability and link utilization over months, for SLA and budget talks (leased
 * lines are paid for by capacity). Reads the 5-minute rollups (`mean_F`, `max_F`, `min_F` of each field
 * F), kept 400 days, so a year-long range costs the same as a day of raw samples.
 */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { DEFAULT_RETENTION, rollupRpName } from '../../metrics';
import { DATASOURCE_REF } from '../datasource';
import {
  green,
  influx,
  matches,
  newDashboard,
  red,
  tagVariable,
  thresholds,
  timeseries,
  yellow,
} from './parts';

export const SLA_REPORT_UID = 'egov-noc-sla-report';

const ROLLUP_RP = rollupRpName(DEFAULT_RETENTION);
const rollup = (measurement: string): string => `"${ROLLUP_RP}"."${measurement}"`;
const scope = `${matches('tier', 'tier')} AND ${matches('zone', 'zone')}`;

const availabilityBands = () => thresholds([red(null), yellow(99), green(99.9)]);
const utilizationBands = () => thresholds([green(), yellow(70), red(90)]);

function table(title: string, width = 12): TablePanel {
  return new TablePanel()
    .title(title)
    .datasource(DATASOURCE_REF)
    .span(width)
    .height(12)
    .noValue('无数据 · no data')
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } });
}

export function slaReportDashboard(): Dashboard {
  return newDashboard(
    SLA_REPORT_UID,
    '可用性与利用率报表 · Availability and utilization report',
    'Monthly view from the 5-minute rollups (400 days): node availability, busiest interfaces, daily peaks, worst video days.',
  )
    .time({ from: 'now-30d', to: 'now' })
    .refresh('1h')
    .withVariable(tagVariable('tier', '层级 Tier', 'node', 'tier', { multi: true, rp: ROLLUP_RP }))
    .withVariable(tagVariable('zone', '网络 Zone', 'node', 'zone', { multi: true, rp: ROLLUP_RP }))
    .withRow(new RowBuilder('可用性 · Availability'))
    .withPanel(
      table('节点可用率（最差在前） · Node availability, worst first')
        .unit('percent')
        .decimals(3)
        .withTarget(
          influx(
            'A',
            `SELECT mean("mean_reachable") * 100 AS "availabilityPct" FROM ${rollup('node')} WHERE $timeFilter AND ${scope} GROUP BY "node", "tier"`,
          ).asTable(),
        )
        .sortBy([new TableSortByFieldStateBuilder().displayName('availabilityPct').desc(false)])
        .thresholds(availabilityBands()),
    )
    .withPanel(
      timeseries('日可用率（按层级） · Daily availability by tier', 'percent')
        .decimals(2)
        .withTarget(
          influx(
            'A',
            `SELECT mean("mean_reachable") * 100 FROM ${rollup('node')} WHERE $timeFilter AND ${scope} GROUP BY time(1d), "tier" fill(null)`,
            '$tag_tier',
          ),
        )
        .thresholds(availabilityBands()),
    )
    .withRow(new RowBuilder('链路利用率 · Link utilization'))
    .withPanel(
      table('最繁忙接口 · Busiest interfaces (peak and mean)')
        .unit('percent')
        .decimals(1)
        .withTarget(
          influx(
            'A',
            `SELECT max("max_inUtilPct") AS "inPeakPct", mean("mean_inUtilPct") AS "inMeanPct", max("max_outUtilPct") AS "outPeakPct", mean("mean_outUtilPct") AS "outMeanPct" ` +
              `FROM ${rollup('interface')} WHERE $timeFilter AND ${scope} GROUP BY "node", "ifName"`,
          ).asTable(),
        )
        .sortBy([new TableSortByFieldStateBuilder().displayName('inPeakPct').desc(true)])
        .thresholds(utilizationBands()),
    )
    .withPanel(
      timeseries('日峰值利用率（按层级） · Daily peak utilization by tier', 'percent')
        .min(0)
        .max(100)
        .withTarget(
          influx(
            'A',
            `SELECT max("max_inUtilPct") FROM ${rollup('interface')} WHERE $timeFilter AND ${scope} GROUP BY time(1d), "tier" fill(null)`,
            '$tag_tier 入 in',
          ),
        )
        .withTarget(
          influx(
            'B',
            `SELECT max("max_outUtilPct") FROM ${rollup('interface')} WHERE $timeFilter AND ${scope} GROUP BY time(1d), "tier" fill(null)`,
            '$tag_tier 出 out',
          ),
        )
        .thresholds(utilizationBands()),
    )
    .withRow(new RowBuilder('视频会议 · Video conferencing'))
    .withPanel(
      timeseries('日最低 MOS · Daily worst MOS per link', 'none', 24)
        .min(1)
        .max(5)
        .decimals(2)
        .withTarget(
          influx(
            'A',
            `SELECT min("min_mos") FROM ${rollup('video')} WHERE $timeFilter GROUP BY time(1d), "link" fill(null)`,
            '$tag_link',
          ),
        )
        .thresholds(thresholds([red(null), yellow(3.6), green(4.0)])),
    )
    .build();
}
