/** 视频会议链路质量 — RTT, jitter, loss and MOS per conference link (province ↔ city ↔ county). */
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

export const VIDEO_LINKS_UID = 'egov-noc-video-links';

const onLinks = matches('link', 'link');

const perLink = (field: string, aggregation = 'mean'): string =>
  `SELECT ${aggregation}("${field}") FROM ${from('video')} WHERE $timeFilter AND ${onLinks} GROUP BY time($__interval), "link" fill(null)`;

const worst = (field: string, aggregation: 'min' | 'max'): string =>
  `SELECT ${aggregation}("${field}") FROM ${from('video')} WHERE time > now() - 5m AND ${onLinks}`;

// ITU-T G.107 E-model bands: MOS >= 4.0 satisfied, 3.6–4.0 some users dissatisfied, < 3.6 many.
const mosBands = () => thresholds([red(null), yellow(3.6), green(4.0)]);
const lossBands = () => thresholds([green(), yellow(1), red(3)]);
const jitterBands = () => thresholds([green(), yellow(30), red(50)]);
const rttBands = () => thresholds([green(), yellow(150), red(300)]);

export function videoLinksDashboard(): Dashboard {
  return newDashboard(
    VIDEO_LINKS_UID,
    '视频会议链路质量 · Video-link quality',
    'Conference link quality as the probes measure it: round-trip time, jitter, loss and E-model MOS.',
  )
    .withVariable(tagVariable('link', '链路 Link', 'video', 'link', { multi: true }))
    .withRow(new RowBuilder('当前 · Now (worst of the selected links, last 5 min)'))
    .withPanel(
      stat('最低 MOS · Worst MOS', 'none')
        .decimals(2)
        .withTarget(influx('A', worst('mos', 'min')))
        .thresholds(mosBands()),
    )
    .withPanel(
      stat('最高丢包 · Worst loss', 'percent')
        .withTarget(influx('A', worst('lossPct', 'max')))
        .thresholds(lossBands()),
    )
    .withPanel(
      stat('最高抖动 · Worst jitter', 'ms')
        .withTarget(influx('A', worst('jitterMs', 'max')))
        .thresholds(jitterBands()),
    )
    .withPanel(
      stat('最高时延 · Worst RTT', 'ms')
        .withTarget(influx('A', worst('rttMs', 'max')))
        .thresholds(rttBands()),
    )
    .withRow(new RowBuilder('趋势 · Trends'))
    .withPanel(
      timeseries('MOS', 'none')
        .min(1)
        .max(5)
        .decimals(2)
        .withTarget(influx('A', perLink('mos', 'min'), '$tag_link'))
        .thresholds(mosBands()),
    )
    .withPanel(
      timeseries('丢包率 · Loss', 'percent')
        .min(0)
        .withTarget(influx('A', perLink('lossPct', 'max'), '$tag_link'))
        .thresholds(lossBands()),
    )
    .withPanel(
      timeseries('抖动 · Jitter', 'ms')
        .min(0)
        .withTarget(influx('A', perLink('jitterMs'), '$tag_link'))
        .thresholds(jitterBands()),
    )
    .withPanel(
      timeseries('往返时延 · Round-trip time', 'ms')
        .min(0)
        .withTarget(influx('A', perLink('rttMs'), '$tag_link'))
        .thresholds(rttBands()),
    )
    .build();
}
