/**
 * The printed report's long tables: a city network prints every node and outage; a province prints
 * its worst nodes and longest outages (in time order) and says how many there were, the exports
 * keeping every row.
 */
import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../domain';
import {
  PRINT_LINK_ROWS,
  PRINT_NODE_ROWS,
  PRINT_OUTAGE_ROWS,
  printedReport,
  printNoteText,
} from '../../reports/print-bounds';
import { renderHtml } from '../../reports/render-html';
import type { LinkRow, MonthlyReport, NodeRow, Outage } from '../../reports/types';

const HOUR_S = 3600;
const START_MS = Date.UTC(2026, 10, 1) - 8 * 3_600_000;

function nodeRow(index: number, downS: number): NodeRow {
  const measuredS = 720 * HOUR_S;
  return {
    id: asNodeId(`node-${String(index).padStart(4, '0')}`),
    name: `节点 ${index}`,
    tier: 'township',
    zone: 'internal',
    county: null,
    measuredS,
    maintenanceS: 0,
    ownDownS: downS,
    impactedS: 0,
    availabilityPct: ((measuredS - downS) / measuredS) * 100,
    outages: downS > 0 ? 1 : 0,
    mttrS: downS > 0 ? downS : null,
    mtbfS: downS > 0 ? measuredS - downS : null,
  };
}

function outage(index: number, downS: number): Outage {
  const startMs = START_MS + index * 60_000;
  return {
    node: asNodeId(`node-${index}`),
    nodeName: `节点 ${index}`,
    startMs,
    endMs: startMs + downS * 1000,
    downS,
    planned: index % 10 === 0,
  };
}

function linkRow(index: number, downS: number): LinkRow {
  const node = nodeRow(index, downS);
  const slaPct = 99.9;
  return {
    ...node,
    id: `link-${index}`,
    medium: 'hfc',
    parent: asNodeId('city'),
    child: node.id,
    childName: node.name,
    slaPct,
    slaMet: (node.availabilityPct ?? 100) >= slaPct,
  };
}

/** A report with these rows and nothing else: the print bounds read only nodes, links and outages. */
function reportWith(nodes: NodeRow[], outages: Outage[], links: LinkRow[] = []): MonthlyReport {
  return {
    network: { id: 'province', name: '全省电子政务外网' },
    period: { month: '2026-11', startMs: START_MS, endMs: START_MS + 30 * 86_400_000, utcOffsetMin: 480 },
    scope: null,
    generatedAtMs: START_MS + 31 * 86_400_000,
    reachabilityRead: { dailyRollupDays: 31, fiveMinuteDays: 0, detailDays: 0 },
    nodes,
    counties: [],
    groups: [],
    links,
    outages,
    security: null,
    video: { meetings: [] },
    securityAlerts: null,
    pki: null,
  };
}

describe('printed report bounds', () => {
  it('prints a network of up to 100 nodes and 200 outages whole', () => {
    const nodes = Array.from({ length: PRINT_NODE_ROWS }, (_, index) => nodeRow(index, 0));
    const outages = Array.from({ length: PRINT_OUTAGE_ROWS }, (_, index) => outage(index, 600));
    const printed = printedReport(reportWith(nodes, outages));
    expect(printed.notes).toEqual([]);
    expect(printed.report.nodes).toHaveLength(PRINT_NODE_ROWS);
    expect(printed.report.outages).toHaveLength(PRINT_OUTAGE_ROWS);
  });

  it("prints a province's worst nodes and longest outages in time order, and says so", () => {
    // 5,000 nodes, every 20th down for (index % 97 + 1) minutes: 250 with downtime.
    const nodes = Array.from({ length: 5000 }, (_, index) =>
      nodeRow(index, index % 20 === 0 ? ((index % 97) + 1) * 60 : 0),
    );
    const outages = Array.from({ length: 1000 }, (_, index) => outage(index, ((index * 37) % 1000) + 60));
    const printed = printedReport(reportWith(nodes, outages));
    expect(printed.report.nodes).toHaveLength(PRINT_NODE_ROWS);
    const printedDown = printed.report.nodes.map((row) => row.ownDownS);
    expect(printedDown).toEqual([...printedDown].sort((x, y) => y - x));
    const leftOutWorst = Math.max(
      ...nodes.filter((row) => !printed.report.nodes.includes(row)).map((row) => row.ownDownS),
    );
    expect(leftOutWorst).toBeLessThanOrEqual(Math.min(...printedDown));
    expect(printed.report.outages).toHaveLength(PRINT_OUTAGE_ROWS);
    const starts = printed.report.outages.map((row) => row.startMs);
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    expect(Math.min(...printed.report.outages.map((row) => row.downS))).toBe(1060 - PRINT_OUTAGE_ROWS);
    expect(printed.notes).toEqual([
      { table: 'nodes', shown: PRINT_NODE_ROWS, total: 5000, notable: 250 },
      { table: 'outages', shown: PRINT_OUTAGE_ROWS, total: 1000, notable: 900 },
    ]);
    expect(printNoteText(printed.notes[0] as never).zh).toContain('全部节点见 XLSX / CSV 导出');
    expect(printNoteText(printed.notes[1] as never).en).toContain(
      'every outage is in the XLSX and CSV exports',
    );
  });

  it("prints a province's leased links that missed their SLA first, then the least available", () => {
    // 2,400 links: 30 down 60 min (missed 99.9 %: 43 min allowed), 150 down 10 min (met, not 100 %).
    const links = Array.from({ length: 2400 }, (_, index) =>
      linkRow(index, index % 80 === 0 ? 3600 : index % 16 === 1 ? 600 : 0),
    );
    const printed = printedReport(reportWith([], [], links));
    expect(printed.report.links).toHaveLength(PRINT_LINK_ROWS);
    expect(printed.report.links.slice(0, 30).every((row) => row.slaMet === false)).toBe(true);
    expect(printed.report.links.slice(30).every((row) => row.slaMet === true && row.ownDownS === 600)).toBe(
      true,
    );
    expect(printed.notes).toEqual([{ table: 'links', shown: PRINT_LINK_ROWS, total: 2400, notable: 30 }]);
    expect(printNoteText(printed.notes[0] as never).zh).toContain('其中 30 条未达 SLA');
  });

  it('the HTML the PDF is printed from carries the notes in both languages and the bounded rows only', () => {
    const nodes = Array.from({ length: 500 }, (_, index) => nodeRow(index, index < 3 ? 600 : 0));
    const html = renderHtml(reportWith(nodes, []));
    expect(html).toContain('全网 500 个节点，其中 3 个有中断或可用率未达 100%；此处列出最差的 3 个');
    expect(html).toContain('500 nodes, 3 with downtime or below 100 %');
    expect(html).toContain('node-0002');
    expect(html).not.toContain('node-0003');
  });
});
