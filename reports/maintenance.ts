import { RE2JS } from 're2js';
import { inWeeklyWindow, type InventoryNode, type Silence, type SilenceMatcher } from '../domain';
import { BUCKET_S } from './availability';
import { byNode, plannedAt, type PlannedWork } from './planned-work';

/**
 * Maintenance windows and planned work, as the alert engine stores them (silences): a silence counts
 * as planned work on a node when it names the node by its own attributes (node, tier, zone, role)
 * and nothing else. A silence that also names a rule or severity mutes some alerts, not the node.
 */
const NODE_LABELS = ['node', 'tier', 'zone', 'role'] as const;
type NodeLabel = (typeof NODE_LABELS)[number];
const MAX_PATTERN_LENGTH = 256;

export type NodeMaintenance = (node: InventoryNode, atMs: number) => boolean;

function labelOf(matcher: SilenceMatcher): NodeLabel | null {
  return NODE_LABELS.find((label) => label === matcher.label) ?? null;
}

/** RE2 only (linear time): a pattern someone typed into a silence never runs on a backtracking engine. */
function valueTest(matcher: SilenceMatcher): ((value: string) => boolean) | null {
  if (matcher.regex !== true) return (value) => value === matcher.value;
  if (matcher.value.length > MAX_PATTERN_LENGTH) return null;
  try {
    const pattern = RE2JS.compile(matcher.value);
    return (value) => pattern.testExact(value);
  } catch {
    return null;
  }
}

interface NodeWindow {
  silence: Silence;
  tests: Array<{ label: NodeLabel; test: (value: string) => boolean }>;
}

function nodeWindow(silence: Silence): NodeWindow | null {
  if (silence.invalid !== undefined || silence.matchers.length === 0) return null;
  const tests: NodeWindow['tests'] = [];
  for (const matcher of silence.matchers) {
    const label = labelOf(matcher);
    const test = valueTest(matcher);
    if (label === null || test === null) return null;
    tests.push({ label, test });
  }
  return { silence, tests };
}

function activeAt(silence: Silence, atMs: number, utcOffsetMin: number): boolean {
  if (atMs < silence.startsAtMs || atMs >= silence.endsAtMs) return false;
  const recurrence = silence.recurrence;
  return recurrence
    ? inWeeklyWindow(atMs, recurrence.days, recurrence.from, recurrence.to, utcOffsetMin)
    : true;
}

/**
 * Whether a node was in a maintenance window at an instant, or its 5-minute bucket overlaps an
 * outage acknowledged as planned work.
 */
export function maintenanceOf(
  silences: readonly Silence[],
  utcOffsetMin: number,
  plannedWork: readonly PlannedWork[] = [],
): NodeMaintenance {
  const windows = silences.map(nodeWindow).filter((window) => window !== null);
  const planned = plannedAt(byNode(plannedWork));
  return (node, atMs) =>
    planned(node.id, atMs, BUCKET_S * 1000) ||
    windows.some(
      (window) =>
        activeAt(window.silence, atMs, utcOffsetMin) &&
        window.tests.every(({ label, test }) => test(label === 'node' ? node.id : node[label])),
    );
}
