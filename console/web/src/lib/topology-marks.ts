/**
 * Sizes and spots of the marks the map draws: a node's radius at a zoom, a label's candidate boxes
 * beside its node, a shortened name. Pure, shared by the canvas renderer and the county grid.
 */
import type { Box } from './label-grid';

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
