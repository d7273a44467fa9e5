import { afterEach, describe, expect, it } from 'vitest';
import { generateInventoryYaml } from '../../inventory/generate';
import { loadInventoryText, type Topology } from '../../inventory/index';
import { harness, n, shuffled, type Harness } from './support';

function province(): Topology {
  const loaded = loadInventoryText(
    'generated.yaml',
    generateInventoryYaml({ cities: 3, countiesPerCity: 3, nodesPerCounty: 6 }),
  );
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.topology;
}

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

describe('outage storm', () => {
  it('a whole province unreachable in random order settles to one root cause, whatever the order', async () => {
    const topology = province();
    for (const seed of [1, 2, 3]) {
      h = await harness({}, topology);
      const nodes = shuffled(
        topology.nodes.map((node) => node.id),
        seed,
      );
      // Arriving over 2 s in small groups, as a collector detects them poll by poll.
      for (let i = 0; i < nodes.length; i += 7) {
        for (const node of nodes.slice(i, i + 7))
          h.bus.publish({
            type: 'node.state',
            node,
            timeMs: h.clock.nowMs,
            state: 'unreachable',
            reason: 'timeout',
          });
        h.engine.tick();
        h.clock.advance(200);
      }
      h.clock.advance(5_000);
      h.engine.tick();
      const visible = h.engine.list();
      expect(visible.map((a) => [a.node, a.rule])).toEqual([['prov-core', 'node-unreachable']]);
      expect(visible[0]?.impacted).toHaveLength(topology.size - 1);
      const all = h.engine.list({ includeSuppressed: true, limit: 10_000 });
      expect(all).toHaveLength(topology.size);
      expect(all.filter((a) => a.suppressedBy !== null).every((a) => a.suppressedBy === visible[0]?.id)).toBe(
        true,
      );
      await h.cleanup();
    }
    h = await harness({}, topology);
  });

  it('a city cut off: its core is the root cause, the rest of the province is untouched', async () => {
    const topology = province();
    h = await harness({}, topology);
    const city = n('c02-core');
    for (const node of shuffled([city, ...topology.descendants(city)], 5))
      h.bus.publish({
        type: 'node.state',
        node,
        timeMs: h.clock.nowMs,
        state: 'unreachable',
        reason: 'timeout',
      });
    h.clock.advance(3_000);
    h.engine.tick();
    expect(h.engine.list().map((a) => [a.node, a.impacted.length])).toEqual([
      ['c02-core', topology.descendants(city).length],
    ]);
  });
});
