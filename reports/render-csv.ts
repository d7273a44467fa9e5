import { csvDocument } from '../domain';
import { bilingual, reportTables, type Cell } from './tables';
import type { MonthlyReport } from './types';

/**
 * One rectangular CSV for every table: `table,kind,…cells` where kind is `header` or `row`, padded
 * to one width so any strict parser reads it. UTF-8 with a BOM, so Excel shows the Chinese.
 */
export function renderCsv(report: MonthlyReport): string {
  const tables = reportTables(report);
  const width = Math.max(...tables.map((table) => table.columns.length)) + 2;
  const line = (cells: Cell[]): Cell[] => [...cells, ...Array<Cell>(width - cells.length).fill(null)];
  const lines = [line(['table', 'kind', report.network.name, report.period.month])];
  for (const table of tables) {
    lines.push(line([table.key, 'header', ...table.columns.map(bilingual)]));
    for (const row of table.rows) lines.push(line([table.key, 'row', ...row]));
  }
  return csvDocument(lines);
}
