import { describe, expect, it } from 'vitest';
import { LiveState } from '../../../console/server/live-state';
import { nodeServices } from '../../../console/server/node-services';
import { asNodeId, type ServiceCheckEvent } from '../../../domain';
import { loadInventory } from '../../../inventory/index';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml does not load');
const node = asNodeId('ny-dx');
const at = 1_800_000_000_000;

const run = (check: string, timeMs: number, extra: Partial<ServiceCheckEvent> = {}): ServiceCheckEvent => ({
  type: 'service.check',
  node,
  timeMs,
  check,
  kind: 'http',
  target: 'http://127.0.0.1:8081/',
  up: true,
  sinceMs: at - 3_600_000,
  reason: null,
  detail: '200',
  latencyMs: 12.5,
  defaced: null,
  stale: null,
  certificate: null,
  lossPct: null,
  ...extra,
});

describe('the node page service checks', () => {
  it('shows the newest run of each check on the node, whatever order the runs arrive in', () => {
    const live = new LiveState(loaded.topology, () => at);
    live.apply(run('portal', at, { up: false, reason: 'status', detail: '503', sinceMs: at - 60_000 }));
    live.apply(run('portal', at - 30_000)); // older, arrived late: ignored
    live.apply(
      run('dx-tls', at, {
        kind: 'tls',
        certificate: { subject: 'ny-dx', notAfterMs: at, daysLeft: 4.5, valid: true, error: null },
      }),
    );
    live.apply(run('elsewhere', at, { node: asNodeId('ny-core') }));
    live.apply(run('unknown-node', at, { node: asNodeId('no-such-node') }));

    expect(nodeServices(live.serviceChecks(node), node)).toEqual([
      expect.objectContaining({ check: 'dx-tls', kind: 'tls', up: true, certificateDaysLeft: 4.5 }),
      expect.objectContaining({
        check: 'portal',
        up: false,
        reason: 'status',
        detail: '503',
        sinceMs: at - 60_000,
        lastRunMs: at,
      }),
    ]);
    expect(live.serviceChecks(asNodeId('no-such-node'))).toEqual([]);
  });
});
