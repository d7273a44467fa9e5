import { formatLocal } from './period';
import type { Spread } from './percentiles';
import { minutes, round, type Cell, type Label, type ReportTable } from './table-cells';
import type { MonthlyReport } from './types';

const spreadColumns = (zh: string, en: string): Label[] => [
  { zh: `${zh} 最低`, en: `${en} min` },
  { zh: `${zh} 平均`, en: `${en} avg` },
  { zh: `${zh} P95`, en: `${en} p95` },
];

const spreadCells = (spread: Spread | null, digits: number): Cell[] =>
  spread === null
    ? [null, null, null]
    : [round(spread.min, digits), round(spread.avg, digits), round(spread.p95, digits)];

/** Meetings with their quality and dropped counties, and one row per drop. */
export function videoTables(report: MonthlyReport): ReportTable[] {
  if (report.video === null) return [];
  const offset = report.period.utcOffsetMin;
  const { meetings } = report.video;
  return [
    {
      key: 'meetings',
      title: { zh: '视频会议质量（按会议）', en: 'Video conferences, meeting by meeting' },
      columns: [
        { zh: '会议', en: 'Meeting' },
        { zh: '开始', en: 'Start' },
        { zh: '结束', en: 'End' },
        { zh: '参会链路', en: 'Links' },
        ...spreadColumns('MOS', 'MOS'),
        ...spreadColumns('丢包 %', 'Loss %'),
        ...spreadColumns('抖动 (毫秒)', 'Jitter (ms)'),
        { zh: '掉线县区', en: 'Counties dropped' },
      ],
      rows: meetings.map((meeting) => [
        meeting.title,
        formatLocal(meeting.startMs, offset),
        formatLocal(meeting.endMs, offset),
        meeting.links,
        ...spreadCells(meeting.mos, 2),
        ...spreadCells(meeting.lossPct, 2),
        ...spreadCells(meeting.jitterMs, 1),
        meeting.dropped.length === 0 ? null : meeting.dropped.map((drop) => drop.countyName).join('、'),
      ]),
    },
    {
      key: 'meetingDrops',
      title: { zh: '会议期间掉线的县区', en: 'Counties cut off during a meeting' },
      columns: [
        { zh: '会议', en: 'Meeting' },
        { zh: '开始', en: 'Start' },
        { zh: '县区', en: 'County' },
        { zh: '链路', en: 'Link' },
        { zh: '掉线时长 (分)', en: 'Cut off (min)' },
      ],
      rows: meetings.flatMap((meeting) =>
        meeting.dropped.map((drop) => [
          meeting.title,
          formatLocal(meeting.startMs, offset),
          drop.countyName,
          drop.link,
          minutes(drop.downS),
        ]),
      ),
    },
  ];
}
