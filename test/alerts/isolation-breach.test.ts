import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory, type Topology } from '../../inventory';
import { harness, n, type Harness } from './support';

/**
 * 三网隔离: an LLDP neighbour on an isolated network (政务内网 ↔ 政务外网), not through a gatekeeper,
 * is one critical isolation-breach alert on the node that sees it, until the neighbour goes.
 * Zhaoqing has both zones side by side, joined only at the province gatekeeper gd-prov-gap.
 */
function zhaoqing(): Topology {
  const loaded = loadInventory('configs/examples/zhaoqing.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.topology;
}

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

function lldpSees(node: string, neighbours: Array<[localIfName: string, remoteSysName: string]>): void {
  h.bus.publish({
    type: 'topology.drift',
    node: n(node),
    timeMs: h.clock.nowMs,
    unknownNeighbours: neighbours.map(([localIfName, remoteSysName]) => ({
      localIfName,
      remoteSysName,
      remotePort: 'GE0/0/5',
    })),
    missingLinks: [],
  });
}

const breaches = () => h.engine.list().filter((a) => a.rule === 'isolation-breach');

describe('isolation-breach', () => {
  it('an internal router seeing an external one is one critical alert, resolved when the neighbour goes', async () => {
    h = await harness({}, zhaoqing());
    lldpSees('duanzhou-in', [['GigabitEthernet1/0/5', 'duanzhou-ex']]);
    h.clock.advance(60_000);
    lldpSees('duanzhou-in', [['GigabitEthernet1/0/5', 'duanzhou-ex']]);
    expect(breaches().map((a) => [a.node, a.severity, a.summary, a.suppressedBy])).toEqual([
      [
        'duanzhou-in',
        'critical',
        '端州区党政内网路由器 接口 GigabitEthernet1/0/5 直连政务外网设备 端州区电子政务外网路由器，违反三网隔离',
        null,
      ],
    ]);
    expect(breaches()[0]?.params).toMatchObject({ peer: 'duanzhou-ex', peerZone: 'external' });
    // the ordinary drift alert is there too, as info: the inventory lacks the link as well
    expect(h.engine.list().map((a) => a.rule)).toContain('topology-drift');

    lldpSees('duanzhou-in', []);
    expect(breaches()).toEqual([]);
    const history = h.engine.history({ fromMs: 0, toMs: h.clock.nowMs + 1, limit: 10 });
    expect(history.filter((a) => a.rule === 'isolation-breach').map((a) => a.status)).toEqual(['resolved']);
  });

  it('recognises the peer by DNS name, and counts several breaches in one alert', async () => {
    h = await harness({}, zhaoqing());
    lldpSees('zq-ex-core', [
      ['GE0/0/10', 'zq-in-core.zhaoqing.gov.cn'],
      ['GE0/0/11', 'gaoyao-in'],
    ]);
    expect(breaches().map((a) => [a.node, a.params.breaches])).toEqual([['zq-ex-core', 2]]);
    expect(breaches()[0]?.summary).toContain('（共 2 处）');
  });

  it('is silent for a neighbour through the gatekeeper, in the same zone, or unknown to the inventory', async () => {
    h = await harness({}, zhaoqing());
    lldpSees('gd-prov-in', [['GE0/0/20', 'gd-prov-gap']]);
    lldpSees('duanzhou-ex', [['GE0/0/5', 'gaoyao-ex']]);
    lldpSees('duanzhou-in', [['GigabitEthernet1/0/6', 'someone-elses-switch']]);
    // video rides on the network it hangs off: an external codec next to an external router is fine
    lldpSees('gaoyao-ex', [['GE0/0/5', 'duanzhou-vc']]);
    expect(breaches()).toEqual([]);
    expect(h.engine.list().filter((a) => a.rule === 'topology-drift')).toHaveLength(4);
  });

  it('a video codec on the external network seen from the internal one is a breach', async () => {
    h = await harness({}, zhaoqing());
    lldpSees('sihui-in', [['GigabitEthernet1/0/4', 'sihui-vc']]);
    expect(breaches().map((a) => [a.node, a.params.peer, a.params.peerZone])).toEqual([
      ['sihui-in', 'sihui-vc', 'video'],
    ]);
  });
});
