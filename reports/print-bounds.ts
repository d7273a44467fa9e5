import type { TableKey } from './table-cells';
import type { AvailabilityFigures, LinkRow, MonthlyReport, NodeRow, Outage } from './types';

type Ranked = AvailabilityFigures & { id: string };

/**
 * What the printed report (the PDF and the console's printable page) keeps of its two long tables.
 * A leadership report is read, not searched: a province's 5,000 node rows are 150 pages nobody
 * turns, and they made Chromium's layout the slowest part of the report. So a network of up to
 * PRINT_NODE_ROWS nodes prints every node; a larger one prints its worst nodes (lowest availability,
 * then most outages) and says how many it left out and where they are: every node stays in the XLSX
 * and CSV exports, which are the working copies. Leased links the same way (a province leases
 * ~2,400 county and township uplinks): up to PRINT_LINK_ROWS all, beyond that those that missed
 * their SLA first, then the least available. Outages: up to PRINT_OUTAGE_ROWS all, beyond that the
 * longest, in time order. Counties, tiers and zones — the summaries the report is for — are never cut.
 */
export const PRINT_NODE_ROWS = 100;
export const PRINT_LINK_ROWS = 100;
export const PRINT_OUTAGE_ROWS = 200;

export interface PrintNote {
  table: TableKey;
  shown: number;
  total: number;
  /** Nodes and links: those with downtime or below 100 % (links: that missed their SLA); outages: counted ones. */
  notable: number;
}

const hadDowntime = (row: AvailabilityFigures): boolean =>
  row.outages > 0 || (row.availabilityPct !== null && row.availabilityPct < 100);

function worstFirst(x: Ranked, y: Ranked): number {
  return (
    (x.availabilityPct ?? 101) - (y.availabilityPct ?? 101) ||
    y.outages - x.outages ||
    x.id.localeCompare(y.id)
  );
}

function boundNodes(nodes: NodeRow[]): { rows: NodeRow[]; note: PrintNote | null } {
  if (nodes.length <= PRINT_NODE_ROWS) return { rows: nodes, note: null };
  const notable = nodes.filter(hadDowntime);
  const rows = [...notable].sort(worstFirst).slice(0, PRINT_NODE_ROWS);
  return { rows, note: { table: 'nodes', shown: rows.length, total: nodes.length, notable: notable.length } };
}

function linkWorstFirst(x: LinkRow, y: LinkRow): number {
  const missed = (row: LinkRow): number => (row.slaMet === false ? 0 : 1);
  return missed(x) - missed(y) || worstFirst(x, y);
}

function boundLinks(links: LinkRow[]): { rows: LinkRow[]; note: PrintNote | null } {
  if (links.length <= PRINT_LINK_ROWS) return { rows: links, note: null };
  const missed = links.filter((row) => row.slaMet === false).length;
  const rows = links.filter((row) => row.slaMet === false || hadDowntime(row));
  return {
    rows: rows.sort(linkWorstFirst).slice(0, PRINT_LINK_ROWS),
    note: {
      table: 'links',
      shown: Math.min(rows.length, PRINT_LINK_ROWS),
      total: links.length,
      notable: missed,
    },
  };
}

function boundOutages(outages: Outage[]): { rows: Outage[]; note: PrintNote | null } {
  if (outages.length <= PRINT_OUTAGE_ROWS) return { rows: outages, note: null };
  const longest = new Set([...outages].sort((x, y) => y.downS - x.downS).slice(0, PRINT_OUTAGE_ROWS));
  const rows = outages.filter((outage) => longest.has(outage));
  const counted = outages.filter((outage) => !outage.planned).length;
  return { rows, note: { table: 'outages', shown: rows.length, total: outages.length, notable: counted } };
}

/** The report as printed, and a note for each table it shortened. */
export function printedReport(report: MonthlyReport): { report: MonthlyReport; notes: PrintNote[] } {
  const nodes = boundNodes(report.nodes);
  const links = boundLinks(report.links);
  const outages = boundOutages(report.outages);
  return {
    report: { ...report, nodes: nodes.rows, links: links.rows, outages: outages.rows },
    notes: [links.note, nodes.note, outages.note].filter((note): note is PrintNote => note !== null),
  };
}

/** The sentence under a shortened table, in both languages. */
export function printNoteText(note: PrintNote): { zh: string; en: string } {
  if (note.table === 'nodes')
    return {
      zh: `全网 ${note.total} 个节点，其中 ${note.notable} 个有中断或可用率未达 100%；此处列出最差的 ${note.shown} 个，全部节点见 XLSX / CSV 导出。`,
      en: `${note.total} nodes, ${note.notable} with downtime or below 100 %; the worst ${note.shown} are listed here, every node is in the XLSX and CSV exports.`,
    };
  if (note.table === 'links')
    return {
      zh: `共 ${note.total} 条租用链路，其中 ${note.notable} 条未达 SLA；此处先列未达标的，再列可用率最低的，共 ${note.shown} 条，全部链路见 XLSX / CSV 导出。`,
      en: `${note.total} leased links, ${note.notable} missed their SLA; the ${note.shown} listed here are those first, then the least available; every link is in the XLSX and CSV exports.`,
    };
  return {
    zh: `本月共 ${note.total} 次中断（计入 ${note.notable} 次）；此处按时间列出最长的 ${note.shown} 次，全部中断见 XLSX / CSV 导出。`,
    en: `${note.total} outages this month (${note.notable} counted); the longest ${note.shown} are listed here in time order, every outage is in the XLSX and CSV exports.`,
  };
}
