/**
 * The asset-change rule with parts inserted and removed (configs/alert-rules.yaml): a removed power
 * supply or fan is major, a line card minor, an optic a warning, an insertion info; the part put back
 * resolves its removal; summaries in both languages name the class, the part and its serial.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AssetChangeEvent } from '../../domain';
import { alertSummaryIn } from '../../domain';
import { alertsOf, rulesWith } from './security-support';
import { harness, n, type Harness } from './support';

let h: Harness;
afterEach(() => h.cleanup());

const RULE = 'asset-change';

function presence(
  change: 'module-inserted' | 'module-removed',
  partClass: string,
  slotName: string,
  serial: string,
): AssetChangeEvent {
  return {
    type: 'asset.change',
    node: n('ny-core'),
    timeMs: h.clock.nowMs,
    change,
    slot: '4',
    slotName,
    field: 'serial',
    oldValue: change === 'module-removed' ? serial : '',
    newValue: change === 'module-inserted' ? serial : '',
    partClass,
    container: 'NE40E-X8',
  };
}

describe('asset-change: parts inserted and removed', () => {
  it('grades a removal by the part: power supply and fan major, a board minor, an optic warning', async () => {
    h = await harness();
    h.bus.publish(presence('module-removed', 'powerSupply', 'PWR2', 'PSU2'));
    h.bus.publish(presence('module-removed', 'fan', 'FAN1', 'FAN1S'));
    h.bus.publish(presence('module-removed', 'module', 'LPU 1', 'CARD1'));
    h.bus.publish(presence('module-removed', 'port', 'GE0/0/1', 'OPT1'));
    h.bus.publish(presence('module-inserted', 'port', 'GE0/0/2', 'OPT2'));
    const bySlot = Object.fromEntries(alertsOf(h, RULE).map((a) => [String(a.params.slotName), a.severity]));
    expect(bySlot).toEqual({
      PWR2: 'major',
      FAN1: 'major',
      'LPU 1': 'minor',
      'GE0/0/1': 'warning',
      'GE0/0/2': 'info',
    });
  });

  it('a rules file overrides one class and keeps the defaults of the others', async () => {
    h = await harness({
      rules: rulesWith(
        '  - { id: asset-change, kind: asset-change, severity: info, removed: { fan: critical } }',
      ),
    });
    h.bus.publish(presence('module-removed', 'fan', 'FAN1', 'FAN1S'));
    h.bus.publish(presence('module-removed', 'powerSupply', 'PWR2', 'PSU2'));
    const bySlot = Object.fromEntries(alertsOf(h, RULE).map((a) => [String(a.params.slotName), a.severity]));
    expect(bySlot).toEqual({ FAN1: 'critical', PWR2: 'major' });
  });

  it('says what was removed in zh-CN and English', async () => {
    h = await harness();
    h.bus.publish(presence('module-removed', 'powerSupply', 'PWR2', '2102351931P0CCCC'));
    const [alert] = alertsOf(h, RULE);
    expect(alert?.summary).toBe(
      '南阳市电子政务内网核心路由器 模块拔出：电源 PWR2（NE40E-X8），序列号 2102351931P0CCCC',
    );
    expect(alert && alertSummaryIn('en', alert, 480)).toBe(
      'ny-core: module removed, power supply PWR2 (NE40E-X8), serial 2102351931P0CCCC',
    );
  });

  it('the part put back resolves its removal and records the insertion', async () => {
    h = await harness();
    h.bus.publish(presence('module-removed', 'powerSupply', 'PWR2', 'PSU2'));
    h.clock.advance(60_000);
    h.bus.publish(presence('module-inserted', 'powerSupply', 'PWR2', 'PSU2'));
    await vi.waitFor(() => {
      const resolved = h.published.filter((e) => e.type === 'alert' && e.change === 'resolved');
      expect(resolved.map((e) => (e.type === 'alert' ? e.alert.params.change : null))).toEqual([
        'module-removed',
      ]);
    });
    expect(alertsOf(h, RULE).map((a) => [a.params.change, a.status])).toEqual([
      ['module-inserted', 'firing'],
    ]);
  });
});
