/**
 * Sizes and spots of the marks the map draws: a node's radius at a zoom, a label's candidate boxes
 * beside its node, a shortened name, the fault rings. Shared by the canvas renderer and the county grid.
 */
import type { Box } from './label-grid';
import type { TopologyLayout } from './topology-layout';

const TIER_RADIUS: Record<string, number> = { province: 9, city: 7, county: 5, district: 5 };

export function nodeRadius(tier: string, k: number, collapsed: boolean): number {
  const world = TIER_RADIUS[tier] ?? 3.2;
  const r = world * Math.max(0.5, Math.min(1.6, k * 1.2));
  return collapsed ? Math.max(r, 4.5) : Math.max(r, tier === 'province' || tier === 'city' ? 4 : 1.4);
}

/** Long official names read better on the map without the device suffix ("…政务网关路由器"). */
export function shortName(name: string): string {
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}

/** Where a label may go, best first: beside the node on the outward side, the other side, above, below. */
export function labelSpots(
  sx: number,
  sy: number,
  r: number,
  w: number,
  h: number,
  rightFirst: boolean,
): Box[] {
  const right: Box = [sx + r + 2, sy - h / 2, w, h];
  const left: Box = [sx - r - 2 - w, sy - h / 2, w, h];
  const above: Box = [sx - w / 2, sy - r - 2 - h, w, h];
  const below: Box = [sx - w / 2, sy + r + 2, w, h];
  return rightFirst ? [right, left, above, below] : [left, right, above, below];
}

export function segmentCrossesView(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  w: number,
  h: number,
): boolean {
  return !((ax < 0 && bx < 0) || (ay < 0 && by < 0) || (ax > w && bx > w) || (ay > h && by > h));
}

/**
 * A ring in the fault's colour around every faulty node, and a cross through an unreachable one
 * (`colour` is the look's colour name, `fill` its CSS colour).
 */
export function drawFaultMarks(
  ctx: CanvasRenderingContext2D,
  layout: TopologyLayout,
  looks: ReadonlyArray<{ colour: string } | undefined>,
  fill: Readonly<Record<string, string>>,
  transform: { k: number; x: number; y: number },
  faults: readonly number[],
): void {
  const { k, x: tx, y: ty } = transform;
  ctx.lineWidth = 2;
  for (const i of faults) {
    const n = layout.nodes[i];
    const look = looks[i];
    if (n === undefined || look === undefined) continue;
    const sx = n.x * k + tx;
    const sy = n.y * k + ty;
    const r = Math.max(5, nodeRadius(n.node.tier, k, n.hidden > 0));
    ctx.strokeStyle = fill[look.colour] ?? '#ffffff';
    ctx.beginPath();
    ctx.arc(sx, sy, r + 3.5, 0, 2 * Math.PI);
    ctx.stroke();
    if (look.colour === 'down') {
      const d = r * 0.6;
      ctx.strokeStyle = '#0b1220';
      ctx.beginPath();
      ctx.moveTo(sx - d, sy - d);
      ctx.lineTo(sx + d, sy + d);
      ctx.moveTo(sx + d, sy - d);
      ctx.lineTo(sx - d, sy + d);
      ctx.stroke();
    }
  }
}
