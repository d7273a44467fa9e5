/** 网络总览（按层级） — reachability, traffic, utilization and errors per tier of the network tree. */
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  from,
  green,
  influx,
  matches,
  newDashboard,
  red,
  stat,
  tagVariable,
  thresholds,
  timeseries,
  yellow,
} from './parts';

export const NETWORK_OVERVIEW_UID = 'egov-noc-network-overview';

const scope = `${matches('tier', 'tier')} AND ${matches('zone', 'zone')}`;

/** Sum per tier of each interface's mean rate: a subquery keeps one series per interface first. */
const sumByTier = (field: string): string =>
  `SELECT sum("v") FROM (SELECT mean("${field}") AS "v" FROM ${from('interface')} WHERE $timeFilter AND ${scope} ` +
  `GROUP BY time($__interval), "node", "ifIndex", "tier") WHERE $timeFilter GROUP BY time($__interval), "tier" fill(null)`;

export function networkOverviewDashboard(): Dashboard {
  return newDashboard(
    NETWORK_OVERVIEW_UID,
    '网络总览（按层级） · Network overview by tier',
    'Reachability, traffic, utilization and errors for each tier (city, district, county, department) and zone.',
  )
    .withVariable(tagVariable('tier', '层级 Tier', 'node', 'tier', { multi: true }))
    .withVariable(tagVariable('zone', '网络 Zone', 'node', 'zone', { multi: true }))
    .withRow(new RowBuilder('可达性 · Reachability'))
    .withPanel(
      stat('可达节点 · Nodes reachable (5 min)', 'none')
        .withTarget(
          influx(
            'A',
            `SELECT sum("up") FROM (SELECT last("reachable") AS "up" FROM ${from('node')} WHERE time > now() - 5m AND ${scope} GROUP BY "node")`,
            '可达 reachable',
          ),
        )
        .thresholds(thresholds([green()])),
    )
    .withPanel(
      stat('不可达节点 · Nodes unreachable (5 min)', 'none')
        .withTarget(
          influx(
            'A',
            `SELECT sum("down") FROM (SELECT 1 - last("reachable") AS "down" FROM ${from('node')} WHERE time > now() - 5m AND ${scope} GROUP BY "node")`,
            '不可达 unreachable',
          ),
        )
        .thresholds(thresholds([green(), red(1)])),
    )
    .withPanel(
      timeseries('可达率 · Reachability by tier', 'percent')
        .min(0)
        .max(100)
        .withTarget(
          influx(
            'A',
            `SELECT mean("reachable") * 100 FROM ${from('node')} WHERE $timeFilter AND ${scope} GROUP BY time($__interval), "tier" fill(null)`,
            '$tag_tier',
          ),
        )
        .thresholds(thresholds([red(null), yellow(95), green(99)])),
    )
    .withRow(new RowBuilder('流量 · Traffic'))
    .withPanel(
      timeseries('入流量 · Inbound traffic by tier', 'bps').withTarget(
        influx('A', sumByTier('inBps'), '$tag_tier'),
      ),
    )
    .withPanel(
      timeseries('出流量 · Outbound traffic by tier', 'bps').withTarget(
        influx('A', sumByTier('outBps'), '$tag_tier'),
      ),
    )
    .withPanel(
      timeseries('最高链路利用率 · Peak interface utilization by tier', 'percent')
        .min(0)
        .max(100)
        .withTarget(
          influx(
            'A',
            `SELECT max("inUtilPct") FROM ${from('interface')} WHERE $timeFilter AND ${scope} GROUP BY time($__interval), "tier" fill(null)`,
            '$tag_tier 入 in',
          ),
        )
        .withTarget(
          influx(
            'B',
            `SELECT max("outUtilPct") FROM ${from('interface')} WHERE $timeFilter AND ${scope} GROUP BY time($__interval), "tier" fill(null)`,
            '$tag_tier 出 out',
          ),
        )
        .thresholds(thresholds([green(), yellow(70), red(90)])),
    )
    .withPanel(
      timeseries('接口错误与丢弃 · Interface errors and discards by tier', 'pps')
        .withTarget(influx('A', sumByTier('inErrorsPs'), '$tag_tier 入错误 in errors'))
        .withTarget(influx('B', sumByTier('outErrorsPs'), '$tag_tier 出错误 out errors'))
        .withTarget(influx('C', sumByTier('inDiscardsPs'), '$tag_tier 入丢弃 in discards'))
        .withTarget(influx('D', sumByTier('outDiscardsPs'), '$tag_tier 出丢弃 out discards')),
    )
    .withRow(new RowBuilder('设备 · Devices'))
    .withPanel(
      timeseries('最高 CPU · Peak CPU by tier', 'percent', 8)
        .min(0)
        .max(100)
        .withTarget(
          influx(
            'A',
            `SELECT max("cpuPct") FROM ${from('node')} WHERE $timeFilter AND ${scope} GROUP BY time($__interval), "tier" fill(null)`,
            '$tag_tier',
          ),
        ),
    )
    .withPanel(
      timeseries('最高内存 · Peak memory by tier', 'percent', 8)
        .min(0)
        .max(100)
        .withTarget(
          influx(
            'A',
            `SELECT max("memPct") FROM ${from('node')} WHERE $timeFilter AND ${scope} GROUP BY time($__interval), "tier" fill(null)`,
            '$tag_tier',
          ),
        ),
    )
    .withPanel(
      timeseries('轮询耗时 · Poll time by tier', 'ms', 8).withTarget(
        influx(
          'A',
          `SELECT mean("pollMs") FROM ${from('node')} WHERE $timeFilter AND ${scope} GROUP BY time($__interval), "tier" fill(null)`,
          '$tag_tier',
        ),
      ),
    )
    .build();
}
