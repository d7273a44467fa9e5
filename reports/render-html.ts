import { formatLocal } from './period';
import { printedReport, printNoteText, type PrintNote } from './print-bounds';
import { readNote } from './read-note';
import { reportTables, type Cell, type ReportTable } from './tables';
import type { MonthlyReport } from './types';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const cellHtml = (cell: Cell): string =>
  cell === null ? '<td class="none">—</td>' : `<td>${escapeHtml(String(cell))}</td>`;

function noteHtml(note: PrintNote | undefined): string {
  if (note === undefined) return '';
  const text = printNoteText(note);
  return `<p class="bound">${escapeHtml(text.zh)}<br>${escapeHtml(text.en)}</p>\n`;
}

function tableHtml(table: ReportTable, note: PrintNote | undefined): string {
  const head = table.columns
    .map((label) => `<th>${escapeHtml(label.zh)}<br><span>${escapeHtml(label.en)}</span></th>`)
    .join('');
  const body =
    table.rows.length === 0
      ? `<tr><td colspan="${table.columns.length}" class="none">无 none</td></tr>`
      : table.rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n');
  return `<section id="${table.key}"><h2>${escapeHtml(table.title.zh)} <span>${escapeHtml(table.title.en)}</span></h2>
${noteHtml(note)}<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></section>`;
}

const STYLE = `
  body { font-family: "WenQuanYi Micro Hei", sans-serif; font-size: 9pt; margin: 0; }
  h1 { font-size: 16pt; margin: 0 0 4pt; }
  h2 { font-size: 12pt; margin: 14pt 0 4pt; }
  h2 span, th span { font-weight: normal; color: #555; }
  table { border-collapse: collapse; width: 100%; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  th, td { border: 0.5pt solid #999; padding: 2pt 4pt; text-align: left; }
  th { background: #eef; font-size: 8pt; }
  td.none { color: #999; }
  .meta { color: #333; }
  .bound { color: #333; margin: 0 0 4pt; }
`;

/**
 * A self-contained HTML page of the report: what the PDF is printed from. A large network's node
 * and outage tables are shortened for print (print-bounds.ts), each saying so.
 */
export function renderHtml(full: MonthlyReport): string {
  const { report, notes } = printedReport(full);
  const scope = report.scope === null ? '全网 whole network' : `${report.scope.name} (${report.scope.root})`;
  const generated = formatLocal(report.generatedAtMs, report.period.utcOffsetMin);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(report.network.name)} ${report.period.month}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(report.network.name)} 月度可用率与 SLA 报告 <span>Monthly availability and SLA report</span></h1>
<p class="meta">月份 Month: ${report.period.month} · 范围 Scope: ${escapeHtml(scope)} · 生成 Generated: ${generated}<br>
数据来源 Read from: ${escapeHtml(readNote(report.reachabilityRead))}<br>
维护窗口与计划工作不计入可用率，单独列出。Maintenance windows and planned work are excluded and listed as such.
下级节点因上级中断而不可达时，计入上级（根因）。A node cut off by a node above it counts against that node (the root cause).</p>
${reportTables(report)
  .map((table) =>
    tableHtml(
      table,
      notes.find((note) => note.table === table.key),
    ),
  )
  .join('\n')}
</body></html>`;
}
