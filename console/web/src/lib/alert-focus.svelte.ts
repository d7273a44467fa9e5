/**
 * Alerts ↔ map: the node of the alert under the operator's pointer or keyboard focus. Alert rows
 * set it; the topology map pulses that node (or the collapsed subtree it is in) and brings it into
 * view. Choosing an alert ("show on map") opens the map on the node through the route instead.
 */
import { untrack } from 'svelte';
import { network } from '../stores/network.svelte';
import type { TopologyCanvas } from './topology-canvas';
import type { TopologyLayout } from './topology-layout';

class AlertFocus {
  nodeId = $state<string | null>(null);

  hover(nodeId: string | null): void {
    this.nodeId = nodeId;
  }
}

export const alertFocus = new AlertFocus();

const BLINK_MS = 450;

export interface FocusableMap {
  renderer(): TopologyCanvas | null;
  layout(): TopologyLayout | null;
  canvas(): HTMLCanvasElement | undefined;
}

/** The node drawn for `id`: itself, or the nearest ancestor while its subtree is collapsed. */
export function drawnNodeFor(id: string, layout: TopologyLayout): string | null {
  let node = network.nodeById.get(id);
  let guard = 0;
  while (node !== undefined && guard++ < 64) {
    if (layout.indexById.has(node.id)) return node.id;
    node = node.parent === null ? undefined : network.nodeById.get(node.parent);
  }
  return null;
}

function onScreen(renderer: TopologyCanvas, canvas: HTMLCanvasElement, id: string): boolean {
  const at = renderer.screenOf(id);
  return at !== null && at.x >= 0 && at.y >= 0 && at.x <= canvas.clientWidth && at.y <= canvas.clientHeight;
}

/**
 * Call from the map component's setup: while an alert is hovered its node blinks (the canvas's
 * highlight ring on and off) and is panned into view when off screen. The canvas element carries
 * `data-alert-focus` (the node highlighted) for the browser tests.
 */
export function followAlertFocus(map: FocusableMap): void {
  let blink: ReturnType<typeof setInterval> | null = null;
  const stop = () => {
    if (blink !== null) clearInterval(blink);
    blink = null;
  };
  $effect(() => {
    const id = alertFocus.nodeId;
    const layout = map.layout();
    untrack(() => {
      stop();
      const renderer = map.renderer();
      const canvas = map.canvas();
      if (renderer === null || layout === null || canvas === undefined) return;
      const drawn = id === null ? null : drawnNodeFor(id, layout);
      canvas.dataset.alertFocus = drawn ?? '';
      renderer.setHighlighted(drawn);
      if (drawn === null) return;
      if (!onScreen(renderer, canvas, drawn)) renderer.centerOn(drawn, 0);
      let on = true;
      blink = setInterval(() => {
        on = !on;
        renderer.setHighlighted(on ? drawn : null);
      }, BLINK_MS);
    });
    return stop;
  });
}
