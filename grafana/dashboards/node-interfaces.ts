/** 节点接口 — one node (template variable `node`): its health and every interface's traffic. */
import { MappingType, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
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

export const NODE_INTERFACES_UID = 'egov-noc-node-interfaces';

const onNode = `"node" = '$node'`;
const onInterfaces = `${onNode} AND ${matches('ifName', 'ifName')}`;

const upDown = (up: string, down: string): ValueMapping[] => [
  {
    type: MappingType.ValueToText,
    options: { '0': { text: down, color: 'red', index: 0 }, '1': { text: up, color: 'green', index: 1 } },
  },
];

const perInterface = (field: string): string =>
  `SELECT mean("${field}") FROM ${from('interface')} WHERE $timeFilter AND ${onInterfaces} GROUP BY time($__interval), "ifName" fill(null)`;

const nodeField = (field: string, aggregation = 'mean'): string =>
  `SELECT ${aggregation}("${field}") FROM ${from('node')} WHERE $timeFilter AND ${onNode} GROUP BY time($__interval) fill(null)`;

export function nodeInterfacesDashboard(): Dashboard {
  return newDashboard(
    NODE_INTERFACES_UID,
    '节点接口 · Node interfaces',
    'One node: reachability, CPU, memory, uptime, poll time, storage, and traffic, utilization, errors and status per interface.',
  )
    .withVariable(tagVariable('node', '节点 Node', 'node', 'node'))
    .withVariable(
      tagVariable('ifName', '接口 Interface', 'interface', 'ifName', { multi: true, where: onNode }),
    )
    .withRow(new RowBuilder('节点 · Node'))
    .withPanel(
      stat('可达 · Reachable', 'none', 4)
        .withTarget(
          influx('A', `SELECT last("reachable") FROM ${from('node')} WHERE time > now() - 5m AND ${onNode}`),
        )
        .mappings(upDown('可达 · up', '不可达 · down'))
        .thresholds(thresholds([red(null), green(1)])),
    )
    .withPanel(
      stat('CPU', 'percent', 5)
        .withTarget(influx('A', nodeField('cpuPct')))
        .thresholds(thresholds([green(), yellow(70), red(90)])),
    )
    .withPanel(
      stat('内存 · Memory', 'percent', 5)
        .withTarget(influx('A', nodeField('memPct')))
        .thresholds(thresholds([green(), yellow(80), red(95)])),
    )
    .withPanel(
      stat('运行时长 · Uptime', 's', 5)
        .withTarget(influx('A', nodeField('uptimeS', 'last')))
        .thresholds(thresholds([green()])),
    )
    .withPanel(
      stat('轮询耗时 · Poll time', 'ms', 5)
        .withTarget(influx('A', nodeField('pollMs')))
        .thresholds(thresholds([green(), yellow(1000), red(3000)])),
    )
    .withPanel(
      timeseries('存储使用率 · Storage used', 'percent', 24)
        .min(0)
        .max(100)
        .withTarget(
          influx(
            'A',
            `SELECT last("usedPct") FROM ${from('storage')} WHERE $timeFilter AND ${onNode} GROUP BY time($__interval), "storage" fill(null)`,
            '$tag_storage',
          ),
        )
        .thresholds(thresholds([green(), yellow(80), red(90)])),
    )
    .withRow(new RowBuilder('接口 · Interfaces'))
    .withPanel(
      timeseries('入流量 · Inbound', 'bps').withTarget(influx('A', perInterface('inBps'), '$tag_ifName')),
    )
    .withPanel(
      timeseries('出流量 · Outbound', 'bps').withTarget(influx('A', perInterface('outBps'), '$tag_ifName')),
    )
    .withPanel(
      timeseries('利用率 · Utilization', 'percent')
        .min(0)
        .max(100)
        .withTarget(influx('A', perInterface('inUtilPct'), '$tag_ifName 入 in'))
        .withTarget(influx('B', perInterface('outUtilPct'), '$tag_ifName 出 out'))
        .thresholds(thresholds([green(), yellow(70), red(90)])),
    )
    .withPanel(
      timeseries('错误与丢弃 · Errors and discards', 'pps')
        .withTarget(influx('A', perInterface('inErrorsPs'), '$tag_ifName 入错误 in errors'))
        .withTarget(influx('B', perInterface('outErrorsPs'), '$tag_ifName 出错误 out errors'))
        .withTarget(influx('C', perInterface('inDiscardsPs'), '$tag_ifName 入丢弃 in discards'))
        .withTarget(influx('D', perInterface('outDiscardsPs'), '$tag_ifName 出丢弃 out discards')),
    )
    .withPanel(
      timeseries('接口状态 · Oper status (1 = up)', 'none', 24)
        .min(0)
        .max(1)
        .withTarget(
          influx(
            'A',
            `SELECT min("operUp") FROM ${from('interface')} WHERE $timeFilter AND ${onInterfaces} GROUP BY time($__interval), "ifName" fill(null)`,
            '$tag_ifName',
          ),
        )
        .mappings(upDown('up', 'down')),
    )
    .build();
}
