/**
 * A shape beside every status colour, so state never rests on colour alone (WCAG 1.4.1): the same
 * glyphs in the overview, the device table, the wall tiles and the map legend.
 */
import type { NodeStatus } from '../../../shared';

export const STATUS_GLYPH: Record<NodeStatus, string> = {
  down: '✖',
  critical: '◆',
  major: '▲',
  minor: '▲',
  warning: '▲',
  info: 'ℹ',
  impacted: '◐',
  stale: '◌',
  unknown: '?',
  ok: '●',
};

/** Colours with at least 4.5:1 contrast on the console's background (#0b1220), for text and marks. */
export const STATUS_COLOUR: Record<NodeStatus, string> = {
  down: '#fb7185',
  critical: '#fb7185',
  major: '#fb923c',
  minor: '#facc15',
  warning: '#fde68a',
  info: '#60a5fa',
  impacted: '#d8a1b3',
  stale: '#cbd5e1',
  unknown: '#94a3b8',
  ok: '#34d399',
};
