import { describe, expect, it } from 'vitest';
import type { InventoryNode, Silence } from '../../domain';
import { maintenanceOf } from '../../reports/maintenance';
import { parseMonth } from '../../reports/period';

const node = { id: 'a-gw', tier: 'county', zone: 'external', role: 'router' } as InventoryNode;
const base: Omit<Silence, 'matchers'> = {
  id: 's',
  startsAtMs: Date.parse('2026-11-01T00:00:00+08:00'),
  endsAtMs: Date.parse('2026-12-01T00:00:00+08:00'),
  createdBy: 'ops',
  createdAtMs: 0,
  reason: 'test',
};
const at = (local: string): number => Date.parse(`${local}+08:00`);

describe('maintenance windows from silences', () => {
  it.each([
    ['node named exactly', [{ label: 'node', value: 'a-gw' }], true],
    ['another node', [{ label: 'node', value: 'b-gw' }], false],
    [
      'tier and zone',
      [
        { label: 'tier', value: 'county' },
        { label: 'zone', value: 'external' },
      ],
      true,
    ],
    ['RE2 pattern, whole value', [{ label: 'node', value: 'a-.*', regex: true }], true],
    ['pattern matching part only', [{ label: 'node', value: 'a', regex: true }], false],
    ['backreference RE2 refuses', [{ label: 'node', value: '(a)\\1', regex: true }], false],
    [
      'a rule matcher: mutes alerts, not the node',
      [
        { label: 'node', value: 'a-gw' },
        { label: 'rule', value: 'x' },
      ],
      false,
    ],
  ] as const)('%s', (_, matchers, expected) => {
    const inWindow = maintenanceOf([{ ...base, matchers: [...matchers] }], 480);
    expect(inWindow(node, at('2026-11-10T02:00'))).toBe(expected);
  });

  it('a weekly window holds only its local hours, inside the silence validity', () => {
    const weekly: Silence = {
      ...base,
      matchers: [{ label: 'node', value: 'a-gw' }],
      recurrence: { days: ['sun'], from: '01:00', to: '03:00' },
    };
    const inWindow = maintenanceOf([weekly], 480);
    expect(inWindow(node, at('2026-11-01T01:00'))).toBe(true); // a Sunday
    expect(inWindow(node, at('2026-11-01T03:00'))).toBe(false);
    expect(inWindow(node, at('2026-11-02T01:30'))).toBe(false); // Monday
    expect(inWindow(node, at('2026-12-06T01:30'))).toBe(false); // after endsAt
  });
});

describe('parseMonth', () => {
  it('is the local month, [first midnight, next first midnight)', () => {
    const parsed = parseMonth('2026-11');
    expect(parsed).toEqual({
      ok: true,
      period: {
        month: '2026-11',
        startMs: at('2026-11-01T00:00'),
        endMs: at('2026-12-01T00:00'),
        utcOffsetMin: 480,
      },
    });
    expect(parseMonth('2026-12', 0)).toMatchObject({
      ok: true,
      period: { endMs: Date.parse('2027-01-01T00:00Z') },
    });
  });

  it.each(['2026-13', '2026-1', 'november', ''])('refuses "%s" with the expected form', (text) => {
    expect(parseMonth(text)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/YYYY-MM/) as unknown,
    });
  });
});
