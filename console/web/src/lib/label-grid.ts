/**
 * Screen boxes already taken (nodes, labels) in a coarse grid, so each new label can ask "would I
 * cover anything?" without comparing against every box: thousands of nodes stay cheap per frame.
 */
export type Box = [x: number, y: number, w: number, h: number];

const CELL = 48;

export class BoxGrid {
  private readonly cells = new Map<number, Box[]>();

  add(box: Box): void {
    this.forCells(box, (key) => {
      const list = this.cells.get(key);
      if (list === undefined) this.cells.set(key, [box]);
      else list.push(box);
    });
  }

  collides(box: Box): boolean {
    let hit = false;
    this.forCells(box, (key) => {
      if (!hit) hit = (this.cells.get(key) ?? []).some((other) => overlaps(box, other));
    });
    return hit;
  }

  private forCells(box: Box, visit: (key: number) => void): void {
    const x0 = Math.floor(box[0] / CELL);
    const x1 = Math.floor((box[0] + box[2]) / CELL);
    const y0 = Math.floor(box[1] / CELL);
    const y1 = Math.floor((box[1] + box[3]) / CELL);
    for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) visit(cx * 100_003 + cy);
  }
}

export function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}
