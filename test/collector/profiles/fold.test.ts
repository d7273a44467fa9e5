/**
 * Folding a profile into the interface request (pure): which non-repeaters are asked for which rows,
 * and what happens when the agent's rows are no longer where the last walk saw them.
 */
import { describe, expect, it } from 'vitest';
import { planFold, unfold } from '../../../collector/profiles/fold';
import { sensorValue } from '../../../collector/profiles/entity-sensor';
import type { Column, Varbind } from '../../../collector/snmp/session';

const CPU = '1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5';
const FAN = '1.3.6.1.4.1.2011.5.25.31.1.1.10.1.7';
const vb = (oid: string, value: number): Varbind => ({ oid, type: 2, value });
const column = (base: string, rows: Array<[string, number]>): Column =>
  new Map(rows.map(([suffix, value]) => [suffix, vb(`${base}.${suffix}`, value)]));

describe('planFold', () => {
  const walked = [
    column(CPU, [
      ['1', 0],
      ['2', 37],
      ['3', 0],
    ]),
    column(FAN, [
      ['0.0', 1],
      ['0.1', 1],
    ]),
  ];

  it('asks for each row with the OID just before it, skipping rows that carry no reading', () => {
    const plan = planFold([CPU, FAN], walked, (oid, _suffix, v) => oid !== CPU || v.value !== 0);
    expect(plan?.request).toEqual([`${CPU}.1`, FAN, `${FAN}.0.0`]);
    expect(plan?.expected).toEqual([`${CPU}.2`, `${FAN}.0.0`, `${FAN}.0.1`]);
  });

  it('refuses to fold more rows than fit a request comfortably', () => {
    const rows = Array.from({ length: 97 }, (_, i): [string, number] => [String(i + 1), 1]);
    expect(planFold([CPU], [column(CPU, rows)])).toBeNull();
  });
});

describe('unfold', () => {
  const plan = planFold(
    [CPU, FAN],
    [
      column(CPU, [['2', 37]]),
      column(FAN, [
        ['0.0', 1],
        ['0.1', 1],
      ]),
    ],
  );
  if (!plan) throw new Error('no plan');

  it('rebuilds the columns when every row is where it was', () => {
    const { columns, complete } = unfold(plan, [
      vb(`${CPU}.2`, 41),
      vb(`${FAN}.0.0`, 1),
      vb(`${FAN}.0.1`, 2),
    ]);
    expect(complete).toBe(true);
    expect(columns[0]?.get('2')?.value).toBe(41);
    expect(columns[1]?.get('0.1')?.value).toBe(2);
  });

  it('keeps what matched and asks for a walk when a row came, went, or was not answered', () => {
    // A board was fitted in slot 1: the answer after the column is its row, not slot 2's.
    const moved = unfold(plan, [vb(`${CPU}.1`, 5), vb(`${FAN}.0.0`, 1), null]);
    expect(moved.complete).toBe(false);
    expect(moved.columns[0]?.size).toBe(0);
    expect(moved.columns[1]?.get('0.0')?.value).toBe(1);
    expect(moved.columns[1]?.has('0.1')).toBe(false);
    // The agent trimmed its answer: fewer answers than rows asked for.
    expect(unfold(plan, [vb(`${CPU}.2`, 41)]).complete).toBe(false);
  });
});

describe('ENTITY-SENSOR-MIB values', () => {
  it.each([
    [42, 9, 0, 42],
    [12050, 9, 3, 12.05],
    [3300, 8, 0, 3.3],
    [125, 8, 1, 0.0125],
    [2, 10, 0, 2000],
  ])('value %i, scale %i, precision %i → %d', (raw, scale, precision, expected) => {
    expect(sensorValue(raw, scale, precision)).toBeCloseTo(expected, 10);
  });
});
