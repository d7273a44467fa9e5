/**
 * Draws the laid-out topology on a <canvas>: thousands of nodes stay fluid because nothing here is
 * a DOM element. Nodes and edges are batched by colour into one path each per frame, off-screen
 * items are skipped, tiny nodes become squares, and labels appear only where they fit.
 */
import type { Zone } from '../../../../domain';
import { BoxGrid } from './label-grid';
import { MapProbe } from './map-probe';
import { drawGridBlocks, drawGridLabels, hitCell } from './topology-grid-draw';
import { drawFaultMarks, labelSpots, nodeRadius, segmentCrossesView, shortName } from './topology-marks';
import type { TopologyLayout } from './topology-layout';

export const LOOK_COLOURS = {
  ok: '#34d399',
  info: '#60a5fa',
  warning: '#facc15',
  minor: '#facc15',
  major: '#fb923c',
  critical: '#f43f5e',
  down: '#f43f5e',
  unknown: '#64748b',
  stale: '#94a3b8',
  // Dimmed but still ≥ 3:1 against the background (WCAG 1.4.11 for graphics).
  impacted: '#a8677a',
  context: '#334155',
} as const;
export type LookColour = keyof typeof LOOK_COLOURS;

export const LINK_COLOURS = {
  unknown: '#3b4a5e',
  low: '#2f8f6b',
  mid: '#c9a227',
  high: '#e0663a',
  down: '#f43f5e',
  impacted: '#8a5566',
  context: '#475569',
} as const;
export type LinkColour = keyof typeof LINK_COLOURS;

export interface NodeLook {
  colour: LookColour;
  rootCause: boolean;
  stale: boolean;
}

export interface MapCallbacks {
  onSelect(id: string | null): void;
  onToggle(id: string): void;
  onHover(id: string | null, clientX: number, clientY: number): void;
  onViewChange(): void;
}

interface Transform {
  k: number;
  x: number;
  y: number;
}

const LABEL_FONT =
  '12px "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
const MAX_LABELS = 350;
/** Screen pixels kept free below the lowest node when fitting: its fault ring and label. */
export const MAP_BOTTOM_MARGIN_PX = 30;
/** Colours that mean "look here": drawn with a halo at any zoom and always labelled. */
const FAULT_COLOURS: ReadonlySet<LookColour> = new Set(['down', 'critical', 'major', 'minor', 'warning']);

export class TopologyCanvas {
  private ctx: CanvasRenderingContext2D;
  private layout: TopologyLayout | null = null;
  private looks: NodeLook[] = [];
  private links: LinkColour[] = [];
  private transform: Transform = { k: 1, x: 0, y: 0 };
  private dpr = 1;
  private width = 0;
  private height = 0;
  private frame: number | null = null;
  private pulseTimer: ReturnType<typeof setTimeout> | null = null;
  private selected = -1;
  private highlighted = -1;
  private drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;
  private userMoved = false;
  /** Set while a browser test asks (data-probe on the canvas): what the last frame drew, and where. */
  private probe: MapProbe | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly abort = new AbortController();
  scale = 1;
  labelScale = 1;
  /** A zone's name in the operator's language, for the county grid's column captions. */
  zoneName: (zone: Zone) => string = (zone) => zone;
  framesDrawn = 0;
  drawMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly callbacks: MapCallbacks,
  ) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('topology map: this browser has no 2D canvas');
    this.ctx = ctx;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
    this.bindInput();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.abort.abort();
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.pulseTimer !== null) clearTimeout(this.pulseTimer);
  }

  setLayout(layout: TopologyLayout, keepView: boolean): void {
    this.layout = layout;
    if (!keepView || !this.userMoved) this.fit();
    this.requestDraw();
  }

  setLooks(looks: NodeLook[], links: LinkColour[]): void {
    this.looks = looks;
    this.links = links;
    this.requestDraw();
  }

  setSelected(id: string | null): void {
    this.selected = id === null ? -1 : (this.layout?.indexById.get(id) ?? -1);
    this.requestDraw();
  }

  setHighlighted(id: string | null): void {
    this.highlighted = id === null ? -1 : (this.layout?.indexById.get(id) ?? -1);
    this.requestDraw();
  }

  /** Back to the whole network, following window resizes again. */
  resetView(): void {
    this.userMoved = false;
    this.fit();
  }

  fit(): void {
    if (this.layout === null || this.width === 0) return;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const n of this.layout.nodes) {
      minX = Math.min(minX, n.x);
      minY = Math.min(minY, n.y);
      maxX = Math.max(maxX, n.x);
      maxY = Math.max(maxY, n.y);
    }
    const grid = this.layout.grid;
    // A grid's labels lie inside its blocks: fit the blocks, not the nodes.
    if (grid !== undefined) [minX, minY, maxX, maxY] = grid.bounds;
    const w = Math.max(1, maxX - minX);
    const h = Math.max(1, maxY - minY);
    // Room for labels at the sides (a tree's labels are all on the right), and 30 px at the top and
    // the bottom (the legend lies below the canvas, not over it).
    const tree = this.layout.shape === 'tree';
    const left = grid ? 16 : tree ? 30 : 120;
    const right = grid ? 16 : tree ? 230 : 120;
    const top = grid ? 16 : 30;
    const bottom = grid ? 16 : MAP_BOTTOM_MARGIN_PX;
    const maxK = grid ? 1.6 : tree ? 1.4 : 2.5;
    const k = Math.min(
      Math.max(60, this.width - left - right) / w,
      Math.max(60, this.height - top - bottom) / h,
      maxK,
    );
    this.transform = {
      k,
      x: left + (this.width - left - right) / 2 - ((minX + maxX) / 2) * k,
      y: top + (this.height - top - bottom) / 2 - ((minY + maxY) / 2) * k,
    };
    this.viewChanged();
  }

  centerOn(id: string, minScale = 1.2): void {
    const i = this.layout?.indexById.get(id);
    const n = i === undefined ? undefined : this.layout?.nodes[i];
    if (n === undefined) return;
    this.userMoved = true;
    const k = Math.max(this.transform.k, minScale);
    this.transform = { k, x: this.width / 2 - n.x * k, y: this.height / 2 - n.y * k };
    this.viewChanged();
  }

  zoomBy(factor: number, cx = this.width / 2, cy = this.height / 2): void {
    this.userMoved = true;
    const t = this.transform;
    const k = Math.min(8, Math.max(0.02, t.k * factor));
    const wx = (cx - t.x) / t.k;
    const wy = (cy - t.y) / t.k;
    this.transform = { k, x: cx - wx * k, y: cy - wy * k };
    this.viewChanged();
  }

  /** Screen position (CSS px, relative to the canvas) of a node, for overlays. */
  screenOf(id: string): { x: number; y: number } | null {
    const i = this.layout?.indexById.get(id);
    const n = i === undefined ? undefined : this.layout?.nodes[i];
    if (n === undefined) return null;
    return { x: n.x * this.transform.k + this.transform.x, y: n.y * this.transform.k + this.transform.y };
  }

  private viewChanged(): void {
    this.scale = this.transform.k;
    this.callbacks.onViewChange();
    this.requestDraw();
  }

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    this.dpr = Math.min(2, window.devicePixelRatio || 1);
    this.width = rect.width;
    this.height = rect.height;
    this.canvas.width = Math.max(1, Math.round(rect.width * this.dpr));
    this.canvas.height = Math.max(1, Math.round(rect.height * this.dpr));
    // Until the operator pans or zooms, keep the whole network in view as the window changes.
    if (!this.userMoved) this.fit();
    this.requestDraw();
  }

  requestDraw(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  private hit(clientX: number, clientY: number): number {
    if (this.layout === null) return -1;
    const rect = this.canvas.getBoundingClientRect();
    const t = this.transform;
    const wx = (clientX - rect.left - t.x) / t.k;
    const wy = (clientY - rect.top - t.y) / t.k;
    if (this.layout.grid !== undefined) return hitCell(this.layout, wx, wy);
    const reach = 10 / t.k;
    let best = -1;
    let bestD = reach * reach;
    const nodes = this.layout.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n === undefined) continue;
      const dx = n.x - wx;
      const dy = n.y - wy;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  private bindInput(): void {
    const c = this.canvas;
    const signal = this.abort.signal;
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const rect = c.getBoundingClientRect();
        this.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
      },
      { passive: false, signal },
    );
    c.addEventListener(
      'pointerdown',
      (e) => {
        c.setPointerCapture(e.pointerId);
        this.drag = { x: e.clientX, y: e.clientY, tx: this.transform.x, ty: this.transform.y, moved: false };
      },
      { signal },
    );
    c.addEventListener(
      'pointermove',
      (e) => {
        if (this.drag !== null) {
          const dx = e.clientX - this.drag.x;
          const dy = e.clientY - this.drag.y;
          if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
          if (this.drag.moved) {
            this.userMoved = true;
            this.transform = { k: this.transform.k, x: this.drag.tx + dx, y: this.drag.ty + dy };
            this.viewChanged();
          }
          return;
        }
        const i = this.hit(e.clientX, e.clientY);
        this.callbacks.onHover(i < 0 ? null : (this.layout?.nodes[i]?.id ?? null), e.clientX, e.clientY);
        c.style.cursor = i < 0 ? 'grab' : 'pointer';
      },
      { signal },
    );
    c.addEventListener(
      'pointerup',
      (e) => {
        const drag = this.drag;
        this.drag = null;
        if (drag !== null && !drag.moved) {
          const i = this.hit(e.clientX, e.clientY);
          this.callbacks.onSelect(i < 0 ? null : (this.layout?.nodes[i]?.id ?? null));
        }
      },
      { signal },
    );
    c.addEventListener('pointerleave', () => this.callbacks.onHover(null, 0, 0), { signal });
    c.addEventListener(
      'dblclick',
      (e) => {
        const i = this.hit(e.clientX, e.clientY);
        const id = i < 0 ? null : (this.layout?.nodes[i]?.id ?? null);
        if (id !== null) this.callbacks.onToggle(id);
      },
      { signal },
    );
  }

  private draw(): void {
    const started = performance.now();
    this.paint();
    this.drawMs += performance.now() - started;
    // Read by the console benchmark: map redraws and the time they took, as opposed to browser frames.
    this.canvas.dataset.frames = String(this.framesDrawn);
    this.canvas.dataset.drawMs = this.drawMs.toFixed(1);
  }

  private paint(): void {
    const ctx = this.ctx;
    const layout = this.layout;
    this.framesDrawn++;
    this.probe = this.canvas.dataset.probe === undefined ? null : new MapProbe();
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = '#0b1220';
    ctx.fillRect(0, 0, this.width, this.height);
    if (layout === null) return;
    const { k, x: tx, y: ty } = this.transform;
    const nodes = layout.nodes;
    const margin = 40;
    const inView = (sx: number, sy: number) =>
      sx > -margin && sy > -margin && sx < this.width + margin && sy < this.height + margin;

    // Rings behind everything: one per tier, faint, to read the tree by tier at a glance.
    ctx.strokeStyle = '#15233a';
    ctx.lineWidth = 1;
    const maxDepth = nodes.reduce((m, n) => Math.max(m, n.depth), 0);
    if (maxDepth > 0 && layout.shape === 'radial') {
      for (let d = 1; d <= maxDepth; d++) {
        ctx.beginPath();
        ctx.arc(tx, ty, ((layout.radius * d) / maxDepth) * k, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }

    const view = { k, x: tx, y: ty, width: this.width, height: this.height };
    if (layout.grid !== undefined)
      drawGridBlocks(ctx, layout.grid, view, {
        font: (px) => LABEL_FONT.replace('12px', `${px}px`),
        zoneName: this.zoneName,
      });

    // Edges, one path per colour (a grid has none: its blocks say which city a county is in).
    const edgePaths = new Map<LinkColour, Path2D>();
    for (let i = layout.grid === undefined ? 0 : nodes.length; i < nodes.length; i++) {
      const n = nodes[i];
      if (n === undefined || n.parent < 0) continue;
      const p = nodes[n.parent];
      if (p === undefined) continue;
      const ax = n.x * k + tx;
      const ay = n.y * k + ty;
      const bx = p.x * k + tx;
      const by = p.y * k + ty;
      if (!inView(ax, ay) && !inView(bx, by) && !segmentCrossesView(ax, ay, bx, by, this.width, this.height))
        continue;
      const colour = n.context && layout.shape === 'tree' ? 'context' : (this.links[i] ?? 'unknown');
      let path = edgePaths.get(colour);
      if (path === undefined) edgePaths.set(colour, (path = new Path2D()));
      path.moveTo(ax, ay);
      path.lineTo(bx, by);
    }
    const edgeWidth = Math.max(0.6, Math.min(2.5, k * 1.5));
    for (const [colour, path] of edgePaths) {
      ctx.strokeStyle = LINK_COLOURS[colour];
      ctx.lineWidth = colour === 'down' ? edgeWidth + 1.5 : edgeWidth;
      ctx.setLineDash(colour === 'down' ? [6, 4] : []);
      ctx.stroke(path);
    }
    ctx.setLineDash([]);

    // Nodes, one path per colour; tiny ones as squares.
    const nodePaths = new Map<LookColour, Path2D>();
    const rootCauses: number[] = [];
    const staleRings = new Path2D();
    const collapsedRings = new Path2D();
    const labels: number[] = [];
    const faults: number[] = [];
    const taken = new BoxGrid();
    // A grid's nodes stay inside their row however far the map is zoomed out.
    const gridRowPx = layout.grid === undefined ? Infinity : layout.grid.cellH * k;
    const gridNodeCap = Math.max(1.5, gridRowPx * 0.3);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n === undefined) continue;
      const sx = n.x * k + tx;
      const sy = n.y * k + ty;
      if (!inView(sx, sy)) continue;
      const look = this.looks[i];
      const colour: LookColour = n.context ? 'context' : (look?.colour ?? 'unknown');
      const fault = FAULT_COLOURS.has(colour);
      const r = fault
        ? Math.max(5, nodeRadius(n.node.tier, k, n.hidden > 0))
        : Math.min(gridNodeCap, nodeRadius(n.node.tier, k, n.hidden > 0));
      taken.add([sx - r - 1, sy - r - 1, 2 * r + 2, 2 * r + 2]);
      this.probe?.node(n.id, sx, sy, r);
      if (fault) faults.push(i);
      let path = nodePaths.get(colour);
      if (path === undefined) nodePaths.set(colour, (path = new Path2D()));
      if (r < 2.2) path.rect(sx - r, sy - r, r * 2, r * 2);
      else {
        path.moveTo(sx + r, sy);
        path.arc(sx, sy, r, 0, 2 * Math.PI);
      }
      if (look?.rootCause === true) rootCauses.push(i);
      if (look?.stale === true && r >= 2.2) {
        staleRings.moveTo(sx + r + 2.5, sy);
        staleRings.arc(sx, sy, r + 2.5, 0, 2 * Math.PI);
      }
      if (n.hidden > 0 && 2 * (r + 3) <= gridRowPx) {
        collapsedRings.moveTo(sx + r + 3, sy);
        collapsedRings.arc(sx, sy, r + 3, 0, 2 * Math.PI);
      }
      if (
        layout.grid === undefined &&
        labels.length < MAX_LABELS &&
        (layout.shape === 'tree' || this.wantsLabel(n.node.tier, n.hidden > 0, k))
      )
        labels.push(i);
    }
    for (const [colour, path] of nodePaths) {
      ctx.fillStyle = LOOK_COLOURS[colour];
      ctx.fill(path);
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#7dd3fc';
    ctx.stroke(collapsedRings);
    ctx.setLineDash([2, 2]);
    ctx.strokeStyle = LOOK_COLOURS.stale;
    ctx.stroke(staleRings);
    ctx.setLineDash([]);
    drawFaultMarks(ctx, layout, this.looks, LOOK_COLOURS, this.transform, faults);

    // Root causes: a white ring and a slow pulse, always labelled.
    const phase = (performance.now() % 1600) / 1600;
    for (const i of rootCauses) {
      const n = nodes[i];
      if (n === undefined) continue;
      const sx = n.x * k + tx;
      const sy = n.y * k + ty;
      const r = Math.max(6, nodeRadius(n.node.tier, k, n.hidden > 0));
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(sx, sy, r + 2, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.strokeStyle = `rgba(244, 63, 94, ${0.8 * (1 - phase)})`;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(sx, sy, r + 4 + phase * 16, 0, 2 * Math.PI);
      ctx.stroke();
      if (!labels.includes(i)) labels.push(i);
    }

    for (const i of [this.selected, this.highlighted]) {
      const n = nodes[i];
      if (n === undefined) continue;
      const sx = n.x * k + tx;
      const sy = n.y * k + ty;
      const r = Math.max(6, nodeRadius(n.node.tier, k, n.hidden > 0));
      ctx.strokeStyle = '#38bdf8';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(sx, sy, r + 6, 0, 2 * Math.PI);
      ctx.stroke();
      if (!labels.includes(i)) labels.push(i);
    }

    for (const i of faults) if (!labels.includes(i)) labels.push(i);
    if (layout.grid === undefined) this.drawLabels(labels, rootCauses, new Set(faults), taken);
    else
      drawGridLabels(ctx, layout, view, {
        font: (px, bold) => `${bold ? 'bold ' : ''}${LABEL_FONT.replace('12px', `${px}px`)}`,
        labelScale: this.labelScale,
        important: new Set(labels),
        rootCauses: new Set(rootCauses),
        probe: this.probe,
      });
    this.schedulePulse(rootCauses.length > 0);
    // Read by the browser tests: the faulty nodes drawn with their mark in this frame.
    this.canvas.dataset.highlights = faults
      .slice(0, 500)
      .map((i) => nodes[i]?.id ?? '')
      .join(' ');
    this.probe?.write(this.canvas);
  }

  private wantsLabel(tier: string, collapsed: boolean, k: number): boolean {
    const s = k * this.labelScale;
    if (tier === 'province' || tier === 'city') return true;
    if (tier === 'county' || tier === 'district') return s > (collapsed ? 0.35 : 0.5);
    return s > 1.1;
  }

  /**
   * Labels in priority order (root causes, faults, the selection, then by tier), each placed at the
   * first spot beside its node that covers neither a node nor a label already drawn: a crowded ring
   * shows some names clearly rather than all in a smear. Faults and the selection are drawn even when
   * no spot is free (at the least crowded one), since an operator must see them.
   */
  private drawLabels(
    indices: number[],
    rootCauses: number[],
    faults: ReadonlySet<number>,
    taken: BoxGrid,
  ): void {
    const layout = this.layout;
    if (layout === null) return;
    const ctx = this.ctx;
    const { k, x: tx, y: ty } = this.transform;
    const fontPx = Math.round(12 * this.labelScale);
    ctx.font = LABEL_FONT.replace('12px', `${fontPx}px`);
    ctx.textBaseline = 'middle';
    const roots = new Set(rootCauses);
    const priority = (i: number): number => {
      if (roots.has(i)) return 0;
      if (i === this.selected || i === this.highlighted) return 1;
      if (faults.has(i)) return 2;
      const n = layout.nodes[i];
      return 3 + (n?.depth ?? 9);
    };
    const ordered = [...new Set(indices)].sort((a, b) => priority(a) - priority(b));
    const h = fontPx * 1.5;
    for (const i of ordered) {
      const n = layout.nodes[i];
      if (n === undefined) continue;
      const sx = n.x * k + tx;
      const sy = n.y * k + ty;
      const r = Math.max(faults.has(i) ? 8.5 : 0, nodeRadius(n.node.tier, k, n.hidden > 0) + 3);
      const text = n.hidden > 0 ? `${shortName(n.node.name)} (+${n.hidden})` : shortName(n.node.name);
      const w = ctx.measureText(text).width + 6;
      const candidates = labelSpots(sx, sy, r, w, h, layout.shape === 'tree' || n.x >= 0);
      const free = candidates.find((box) => !taken.collides(box));
      const important = priority(i) < 3;
      const box = free ?? (important ? candidates[0] : undefined);
      if (box === undefined) continue;
      taken.add(box);
      this.probe?.label(n.id, box);
      ctx.textAlign = 'left';
      ctx.fillStyle = roots.has(i) ? 'rgba(127, 29, 29, 0.92)' : 'rgba(11, 18, 32, 0.82)';
      ctx.fillRect(box[0], box[1], box[2], box[3]);
      ctx.fillStyle = roots.has(i) ? '#ffe4e6' : n.context ? '#94a3b8' : '#cbd5e1';
      ctx.fillText(text, box[0] + 3, box[1] + h / 2);
    }
  }

  private schedulePulse(active: boolean): void {
    if (!active || this.pulseTimer !== null) return;
    this.pulseTimer = setTimeout(() => {
      this.pulseTimer = null;
      this.requestDraw();
    }, 80);
  }
}
