import { formatLocal } from './period';
import { readNote } from './read-note';
import { bilingual, reportTables, type TableKey } from './tables';
import type { MonthlyReport } from './types';

const SHEET_NAMES: Record<TableKey, string> = {
  counties: '县区 Counties',
  links: '租用链路 Links',
  groups: '层级与网络 Groups',
  nodes: '节点 Nodes',
  outages: '中断 Outages',
  security: '安全事件 Security',
  sources: '来源地址 Sources',
  meetings: '视频会议 Meetings',
  meetingDrops: '会议掉线 Meeting drops',
  alertsByRule: '安全告警 Security alerts',
  alertsUnacked: '未确认告警 Unacknowledged',
  certsIssued: '签发证书 Issued',
  certsRevoked: '吊销证书 Revoked',
  certsExpiring: '即将到期 Expiring',
  certsRenewed: '已续期 Renewed',
};

/** An XLSX workbook: a cover sheet, then one sheet per table with bilingual headers. */
export async function renderXlsx(report: MonthlyReport): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'egov-noc';
  workbook.created = new Date(report.generatedAtMs);
  const cover = workbook.addWorksheet('报告 Report');
  cover.addRows([
    ['网络 Network', report.network.name],
    ['月份 Month', report.period.month],
    ['范围 Scope', report.scope === null ? '全网 whole network' : report.scope.name],
    ['生成时间 Generated', formatLocal(report.generatedAtMs, report.period.utcOffsetMin)],
    ['数据来源 Read from', readNote(report.reachabilityRead)],
  ]);
  cover.getColumn(1).width = 24;
  cover.getColumn(2).width = 40;
  for (const table of reportTables(report)) {
    const sheet = workbook.addWorksheet(SHEET_NAMES[table.key]);
    sheet.addRow(table.columns.map(bilingual)).font = { bold: true };
    sheet.addRows(table.rows.map((row) => row.map((cell) => cell ?? '')));
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    table.columns.forEach((_, index) => (sheet.getColumn(index + 1).width = index === 0 ? 28 : 16));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
