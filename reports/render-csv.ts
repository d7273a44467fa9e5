import { bilingual, reportTables, type Cell } from './tables';
import type { MonthlyReport } from './types';

/** RFC 4180 field; a cell a spreadsheet would run as a formula is prefixed with a quote. */
function csvField(cell: Cell): string {
  if (cell === null) return '';
  let text = String(cell);
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One rectangular CSV for every table: `table,kind,…cells` where kind is `header` or `row`, padded
 * to one width so any strict parser reads it. UTF-8 with a BOM, so Excel shows the Chinese.
 */
export function renderCsv(report: MonthlyReport): string {
  const tables = reportTables(report);
  const width = Math.max(...tables.map((table) => table.columns.length)) + 2;
  const line = (cells: Cell[]): string =>
    [...cells, ...Array<Cell>(width - cells.length).fill(null)].map(csvField).join(',');
  const lines = [line(['table', 'kind', report.network.name, report.period.month])];
  for (const table of tables) {
    lines.push(line([table.key, 'header', ...table.columns.map(bilingual)]));
    for (const row of table.rows) lines.push(line([table.key, 'row', ...row]));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
