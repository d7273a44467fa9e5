/**
 * What one frame of the map drew and where, in CSS pixels of the canvas: written to the canvas's
 * data attributes only while a browser test sets `data-probe` on it, so the operator's frames pay
 * nothing. Tests check from it that no node lies under the legend and that labels do not overlap.
 */
import type { Box } from './label-grid';

export class MapProbe {
  private readonly nodes: Array<[id: string, x: number, y: number, r: number]> = [];
  private readonly labels: Array<[id: string, ...box: Box]> = [];

  node(id: string, x: number, y: number, r: number): void {
    this.nodes.push([id, round(x), round(y), round(r)]);
  }

  label(id: string, box: Box): void {
    this.labels.push([id, round(box[0]), round(box[1]), round(box[2]), round(box[3])]);
  }

  write(canvas: HTMLCanvasElement): void {
    canvas.dataset.probeNodes = JSON.stringify(this.nodes);
    canvas.dataset.probeLabels = JSON.stringify(this.labels);
  }
}

const round = (value: number): number => Math.round(value * 10) / 10;
