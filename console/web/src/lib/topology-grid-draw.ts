/**
 * The county grid's own marks on the canvas: a panel behind each city's block, and every cell's
 * label inside its cell (cut with "…" to the cell's width), so labels never cover a node or each
 * other. When cells get too small to read (zoomed far out), only faults, root causes and the
 * selection keep a label, drawn at a readable size.
 */
import type { Zone } from '../../../../domain';
import type { Box } from './label-grid';
import type { MapProbe } from './map-probe';
import { GRID_DOT_X } from './topology-county-grid';
import type { GridFrame, TopologyLayout } from './topology-layout';
import { nodeRadius } from './topology-marks';

export interface View {
  k: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GridLabelInput {
  font: (px: number, bold: boolean) => string;
  labelScale: number;
  /** Labels that must show however small the cells are (faults, root causes, selection). */
  important: ReadonlySet<number>;
  rootCauses: ReadonlySet<number>;
  probe: MapProbe | null;
}

const MIN_READABLE_PX = 8;

/** A panel behind each city's block, and its columns' zone captions ("政务外网", "政务内网"). */
export function drawGridBlocks(
  ctx: CanvasRenderingContext2D,
  grid: GridFrame,
  view: View,
  caption: { font: (px: number) => string; zoneName: (zone: Zone) => string },
): void {
  ctx.fillStyle = '#101b2e';
  ctx.strokeStyle = '#1e2d45';
  ctx.lineWidth = 1;
  const pad = 4 * view.k;
  for (const block of grid.blocks) {
    const x = block.x * view.k + view.x - pad;
    const y = block.y * view.k + view.y - pad;
    const w = block.w * view.k + 2 * pad;
    const h = block.h * view.k + 2 * pad;
    if (x > view.width || y > view.height || x + w < 0 || y + h < 0) continue;
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.fill();
    ctx.stroke();
  }
  const fontPx = Math.min(11, grid.cellH * view.k * 0.6);
  if (fontPx < MIN_READABLE_PX) return;
  ctx.font = caption.font(Math.round(fontPx));
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillStyle = '#94a3b8';
  for (const block of grid.blocks)
    for (const column of block.columns) {
      if (column.zone === null) continue;
      const sx = column.x * view.k + view.x + 4;
      const sy = column.y * view.k + view.y;
      if (sx > view.width || sy > view.height || sy < 0) continue;
      ctx.fillText(fitText(ctx, caption.zoneName(column.zone), grid.cellW * view.k - 8), sx, sy);
    }
  ctx.fillStyle = '#101b2e';
}

export function drawGridLabels(
  ctx: CanvasRenderingContext2D,
  layout: TopologyLayout,
  view: View,
  input: GridLabelInput,
): void {
  const grid = layout.grid;
  if (grid === undefined) return;
  const heads = new Set(grid.blocks.map((b) => b.head));
  const headWidth = new Map(grid.blocks.map((b) => [b.head, b.w]));
  const rowPx = grid.cellH * view.k;
  const cellFontPx = Math.min(12 * input.labelScale, rowPx * 0.7);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  layout.nodes.forEach((n, i) => {
    const sx = n.x * view.k + view.x;
    const sy = n.y * view.k + view.y;
    if (sx < -grid.cellW * view.k || sy < -rowPx || sx > view.width || sy > view.height + rowPx) return;
    const head = heads.has(i);
    const important = input.important.has(i);
    if (!head && !important && cellFontPx < MIN_READABLE_PX) return;
    const fontPx = head
      ? Math.max(MIN_READABLE_PX + 2, Math.min(13 * input.labelScale, rowPx * 0.8))
      : Math.max(cellFontPx, important ? MIN_READABLE_PX + 1 : 0);
    const r = Math.max(important ? 5 : 0, nodeRadius(n.node.tier, view.k, n.hidden > 0));
    const widthWorld = head ? (headWidth.get(i) ?? grid.cellW) : grid.cellW;
    // From right of this node's ring to short of the next cell's node.
    const maxW = widthWorld * view.k - 2 * r - GRID_DOT_X * view.k - 4;
    ctx.font = input.font(Math.round(fontPx), head);
    const text = fitText(ctx, grid.labels[i] ?? n.node.name, maxW - 6);
    if (text === '') return;
    const h = Math.min(fontPx * 1.4, rowPx - 2);
    const box: Box = [sx + r + 3, sy - h / 2, ctx.measureText(text).width + 6, h];
    input.probe?.label(n.id, box);
    const root = input.rootCauses.has(i);
    ctx.fillStyle = root ? 'rgba(127, 29, 29, 0.92)' : 'rgba(11, 18, 32, 0.82)';
    ctx.fillRect(box[0], box[1], box[2], box[3]);
    ctx.fillStyle = root ? '#ffe4e6' : head ? '#e2e8f0' : n.context ? '#94a3b8' : '#cbd5e1';
    ctx.fillText(text, box[0] + 3, sy);
  });
}

/** The text as drawn within `maxW` px: whole, or cut with "…"; empty when not even one character fits. */
function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (ctx.measureText(text).width <= maxW) return text;
  for (let n = text.length - 1; n >= 1; n--) {
    const cut = `${text.slice(0, n)}…`;
    if (ctx.measureText(cut).width <= maxW) return cut;
  }
  return '';
}

/** The node whose cell (its dot and label) holds the world point, or -1. */
export function hitCell(layout: TopologyLayout, wx: number, wy: number): number {
  const grid = layout.grid;
  if (grid === undefined) return -1;
  const heads = new Map(grid.blocks.map((b) => [b.head, b.w]));
  return layout.nodes.findIndex((n, i) => {
    const left = n.x - GRID_DOT_X;
    const width = heads.get(i) ?? grid.cellW;
    return wx >= left && wx < left + width && Math.abs(wy - n.y) <= grid.cellH / 2;
  });
}
