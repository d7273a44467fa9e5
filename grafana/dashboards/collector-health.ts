/** 采集器健康 — is the collector keeping up: poll rate and latency, timeouts, queue lag, spool, drops. */
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

export const COLLECTOR_HEALTH_UID = 'egov-noc-collector-health';

const onCollectors = matches('collector', 'collector');
const onHosts = matches('host', 'host');

const perCollector = (field: string, aggregation = 'mean'): string =>
  `SELECT ${aggregation}("${field}") FROM ${from('collector')} WHERE $timeFilter AND ${onCollectors} GROUP BY time($__interval), "collector" fill(null)`;

const perHost = (field: string): string =>
  `SELECT mean("${field}") FROM ${from('host')} WHERE $timeFilter AND ${onHosts} GROUP BY time($__interval), "host" fill(null)`;

const latest = (field: string): string =>
  `SELECT sum("v") FROM (SELECT last("${field}") AS "v" FROM ${from('collector')} WHERE time > now() - 5m AND ${onCollectors} GROUP BY "collector")`;

export function collectorHealthDashboard(): Dashboard {
  return newDashboard(
    COLLECTOR_HEALTH_UID,
    '采集器健康 · Collector health',
    'Whether each collector keeps up with its poll schedule, and whether any sample was spooled or lost.',
  )
    .withVariable(tagVariable('collector', '采集器 Collector', 'collector', 'collector', { multi: true }))
    .withVariable(tagVariable('host', '主机 Host', 'host', 'host', { multi: true }))
    .withRow(new RowBuilder('当前 · Now (last 5 min)'))
    .withPanel(
      stat('轮询速率 · Polls/s', 'none')
        .withTarget(influx('A', latest('pollsPs')))
        .thresholds(thresholds([green()])),
    )
    .withPanel(
      stat('队列滞后 · Queue lag', 'ms')
        .withTarget(
          influx(
            'A',
            `SELECT max("queueLagMs") FROM ${from('collector')} WHERE time > now() - 5m AND ${onCollectors}`,
          ),
        )
        .thresholds(thresholds([green(), yellow(5000), red(30000)])),
    )
    .withPanel(
      stat('缓存点数 · Spooled points', 'none')
        .withTarget(influx('A', latest('spoolPoints')))
        .thresholds(thresholds([green(), yellow(1)])),
    )
    .withPanel(
      stat('丢弃点数 · Dropped points', 'none')
        .withTarget(influx('A', latest('droppedPoints')))
        .thresholds(thresholds([green(), red(1)])),
    )
    .withRow(new RowBuilder('轮询 · Polling'))
    .withPanel(
      timeseries('轮询与取值速率 · Polls and values per second', 'none')
        .withTarget(influx('A', perCollector('pollsPs'), '$tag_collector polls/s'))
        .withTarget(influx('B', perCollector('valuesPs'), '$tag_collector values/s')),
    )
    .withPanel(
      timeseries('轮询耗时分位 · Poll time percentiles', 'ms')
        .withTarget(influx('A', perCollector('pollP50Ms'), '$tag_collector p50'))
        .withTarget(influx('B', perCollector('pollP95Ms'), '$tag_collector p95'))
        .withTarget(influx('C', perCollector('pollP99Ms'), '$tag_collector p99')),
    )
    .withPanel(
      timeseries('超时 · Timeouts per second', 'none')
        .min(0)
        .withTarget(influx('A', perCollector('timeoutsPs'), '$tag_collector')),
    )
    .withPanel(
      timeseries('队列滞后 · Queue lag', 'ms')
        .min(0)
        .withTarget(influx('A', perCollector('queueLagMs', 'max'), '$tag_collector'))
        .thresholds(thresholds([green(), yellow(5000), red(30000)])),
    )
    .withPanel(
      timeseries('缓存与丢弃 · Spooled and dropped points', 'none')
        .min(0)
        .withTarget(influx('A', perCollector('spoolPoints', 'max'), '$tag_collector spooled'))
        .withTarget(influx('B', perCollector('droppedPoints', 'max'), '$tag_collector dropped')),
    )
    .withRow(new RowBuilder('主机 · Host'))
    .withPanel(
      timeseries('主机资源 · Host CPU, memory, disk', 'percent')
        .min(0)
        .max(100)
        .withTarget(influx('A', perHost('cpuPct'), '$tag_host CPU'))
        .withTarget(influx('B', perHost('memPct'), '$tag_host 内存 memory'))
        .withTarget(influx('C', perHost('diskPct'), '$tag_host 磁盘 disk'))
        .thresholds(thresholds([green(), yellow(80), red(90)])),
    )
    .build();
}
