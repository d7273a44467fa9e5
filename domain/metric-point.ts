/** One stored point. Tags are indexed strings, fields are numbers; time in epoch milliseconds. */
export interface MetricPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number>;
  timeMs: number;
}
