/**
 * Keyboard moves on the map, by the tree's shape rather than by pixels: Up to the parent, Down to
 * the first child, Left/Right to the previous/next sibling (wrapping), Home to the top.
 */
import type { TopologyLayout } from './topology-layout';

export type MapMove = 'parent' | 'child' | 'previous' | 'next' | 'top';

export function moveForKey(key: string): MapMove | null {
  switch (key) {
    case 'ArrowUp':
      return 'parent';
    case 'ArrowDown':
      return 'child';
    case 'ArrowLeft':
      return 'previous';
    case 'ArrowRight':
      return 'next';
    case 'Home':
      return 'top';
    default:
      return null;
  }
}

/** Index of the node the move lands on, or `from` when there is nowhere to go. -1 starts at the top. */
export function moveSelection(layout: TopologyLayout, from: number, move: MapMove): number {
  const nodes = layout.nodes;
  const top = nodes.findIndex((n) => !n.context);
  if (from < 0 || from >= nodes.length || move === 'top') return top >= 0 ? top : 0;
  const current = nodes[from];
  if (current === undefined) return from;
  switch (move) {
    case 'parent':
      return current.parent >= 0 ? current.parent : from;
    case 'child': {
      const child = nodes.findIndex((n) => n.parent === from);
      return child >= 0 ? child : from;
    }
    case 'previous':
    case 'next': {
      const siblings = nodes.flatMap((n, i) => (n.parent === current.parent ? [i] : []));
      const at = siblings.indexOf(from);
      const step = move === 'next' ? 1 : -1;
      return siblings[(at + step + siblings.length) % siblings.length] ?? from;
    }
  }
}
