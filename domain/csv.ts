/**
 * CSV as every export of egov-noc writes it (RFC 4180, UTF-8 with a BOM so spreadsheet programs read
 * Chinese, CRLF lines): a cell a spreadsheet would run as a formula (= + - @, tab, CR first) gets a
 * leading apostrophe, so an exported device name or log line never executes.
 */
export type CsvCell = string | number | null;

export function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  let text = String(cell);
  if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly CsvCell[]): string => cells.map(csvCell).join(',');

/** A whole document: BOM, one line per row, CRLF after each. */
export function csvDocument(rows: ReadonlyArray<readonly CsvCell[]>): string {
  return `\uFEFF${rows.map(csvLine).join('\r\n')}\r\n`;
}
