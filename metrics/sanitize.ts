import type { MetricPoint } from '../domain';

/**
 * Keep what both stores can hold: a measurement name, tags with non-empty values, finite numeric
 * fields. A field that is not a finite number (NaN from a first poll, Infinity) is left out; a point
 * left with no field at all is invalid and counted by the caller.
 */
export function sanitizePoints(points: MetricPoint[]): { valid: MetricPoint[]; invalid: number } {
  const valid: MetricPoint[] = [];
  let invalid = 0;
  for (const point of points) {
    if (typeof point.measurement !== 'string' || point.measurement === '' || !Number.isFinite(point.timeMs)) {
      invalid += 1;
      continue;
    }
    let fieldsOk = true;
    let anyField = false;
    for (const key in point.fields) {
      if (Number.isFinite(point.fields[key])) anyField = true;
      else fieldsOk = false;
    }
    let tagsOk = true;
    for (const key in point.tags) {
      if (point.tags[key] === '' || typeof point.tags[key] !== 'string') tagsOk = false;
    }
    if (!anyField) {
      invalid += 1;
      continue;
    }
    if (fieldsOk && tagsOk) {
      valid.push(point);
      continue;
    }
    const fields: Record<string, number> = {};
    for (const [key, value] of Object.entries(point.fields)) if (Number.isFinite(value)) fields[key] = value;
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(point.tags))
      if (typeof value === 'string' && value !== '') tags[key] = value;
    valid.push({ measurement: point.measurement, tags, fields, timeMs: point.timeMs });
  }
  return { valid, invalid };
}
