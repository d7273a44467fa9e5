/**
 * The console's list of devices seen but not in the inventory: counts, the row bound and its
 * eviction, rows dropped once the inventory lists the device, dismissing, scope, and the file kept
 * across a restart (0600).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../../bus/index';
import { silentLogger } from '../../../common';
import { asNodeId, type UnmanagedSightingEvent } from '../../../domain';
import { loadInventory, Topology } from '../../../inventory/index';
import { Scope } from '../../../console/server/access';
import { AssetRegister } from '../../../console/server/assets/register';
import { AssetStore } from '../../../console/server/assets/store';
import { UnmanagedTable } from '../../../console/server/assets/unmanaged-store';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('example inventory must load');
const topology = loaded.topology;

function sighting(over: Partial<UnmanagedSightingEvent> = {}): UnmanagedSightingEvent {
  return {
    type: 'unmanaged.sighting',
    timeMs: 1_000,
    source: 'lldp',
    address: '10.99.0.1',
    name: 'rogue-sw',
    chassisId: 'aa:bb:cc:00:00:01',
    seenBy: { node: asNodeId('nanzhao-sw'), ifName: 'GE1/0/9', remotePort: 'eth0' },
    count: 1,
    firstSeenMs: 1_000,
    lastSeenMs: 1_000,
    proposal: 'nodes:\n  - { id: "rogue-sw" }\n',
    ...over,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unmanaged-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const openRegister = (t: Topology = topology) =>
  new AssetRegister(dir, t, new InProcessBus(), silentLogger());

describe('unmanaged devices', () => {
  it('adds up sightings of one device and keeps first and last seen', () => {
    const register = openRegister();
    register.unmanaged.observe(sighting());
    register.unmanaged.observe(sighting({ count: 4, firstSeenMs: 900, lastSeenMs: 5_000 }));
    const [device] = register.unmanaged.list(new Scope(topology, null));
    expect(device).toMatchObject({ count: 5, firstSeenMs: 900, lastSeenMs: 5_000, name: 'rogue-sw' });
    register.close();
  });

  it('ignores a sighting of a device the inventory lists (by address or by name)', () => {
    const register = openRegister();
    register.unmanaged.observe(sighting({ address: '10.41.3.2', name: 'x' }));
    register.unmanaged.observe(sighting({ address: null, name: 'nanzhao-sw.nanyang.example' }));
    expect(register.unmanaged.list(new Scope(topology, null))).toEqual([]);
    // a syslog sender's HOSTNAME is its own claim: an unknown address naming a node stays listed
    register.unmanaged.observe(
      sighting({ source: 'syslog', address: '127.0.0.9', name: 'ny-core', seenBy: null }),
    );
    expect(register.unmanaged.list(new Scope(topology, null)).map((d) => d.name)).toEqual(['ny-core']);
    register.close();
  });

  it('keeps at most maxRows rows, evicting the least seen, and counts them', () => {
    const store = new AssetStore(join(dir, 'assets.sqlite'));
    const table = new UnmanagedTable((store as unknown as { db: never }).db, 10);
    table.record(sighting({ address: '10.99.1.1', count: 50 }));
    for (let i = 0; i < 100; i++) table.record(sighting({ address: `10.99.2.${i}`, lastSeenMs: 2_000 + i }));
    const rows = table.all();
    expect(rows).toHaveLength(10);
    expect(table.evicted()).toBe(91);
    expect(rows.map((row) => row.address)).toContain('10.99.1.1');
    expect(rows.map((row) => row.address)).toContain('10.99.2.99');
    store.close();
  });

  it('shows a subtree only what its nodes saw; nodeless senders only to the whole network', () => {
    const register = openRegister();
    register.unmanaged.observe(sighting());
    register.unmanaged.observe(
      sighting({
        address: '10.99.0.2',
        seenBy: { node: asNodeId('xichuan-sw'), ifName: 'g', remotePort: '' },
      }),
    );
    register.unmanaged.observe(sighting({ source: 'syslog', address: '127.0.0.9', name: 'h', seenBy: null }));
    const addresses = (root: string | null) =>
      register.unmanaged
        .list(new Scope(topology, root === null ? null : asNodeId(root)))
        .map((d) => d.address);
    expect(addresses(null).sort()).toEqual(['10.99.0.1', '10.99.0.2', '127.0.0.9']);
    expect(addresses('nanzhao-gw')).toEqual(['10.99.0.1']);
    expect(addresses('xichuan-gw')).toEqual(['10.99.0.2']);
    register.close();
  });

  it('a dismissed device stays hidden when seen again; the list survives a restart in a 0600 file', () => {
    let register = openRegister();
    register.unmanaged.observe(sighting());
    register.unmanaged.observe(sighting({ address: '10.99.0.7', name: 'other' }));
    const whole = new Scope(topology, null);
    const rogue = register.unmanaged.list(whole).find((d) => d.address === '10.99.0.1');
    register.unmanaged.dismiss(rogue?.id ?? -1, 'op', 2_000);
    register.unmanaged.observe(sighting({ lastSeenMs: 3_000 }));
    register.close();
    expect(statSync(join(dir, 'assets.sqlite')).mode & 0o777).toBe(0o600);
    register = openRegister();
    expect(register.unmanaged.list(whole).map((d) => d.address)).toEqual(['10.99.0.7']);
    expect(register.unmanaged.find(whole, rogue?.id ?? -1)?.dismissed).toEqual({ by: 'op', atMs: 2_000 });
    register.close();
  });

  it('drops a device once the inventory it restarts with lists it', () => {
    let register = openRegister();
    register.unmanaged.observe(sighting());
    register.unmanaged.observe(sighting({ address: '10.99.0.7', name: 'other' }));
    register.close();
    const inventory = {
      ...topology.inventory,
      nodes: [
        ...topology.inventory.nodes,
        { ...topology.node(asNodeId('nanzhao-sw')), id: asNodeId('rogue-sw'), address: '10.99.0.50' },
      ],
    };
    register = openRegister(new Topology(inventory));
    expect(register.unmanaged.list(new Scope(topology, null)).map((d) => d.address)).toEqual(['10.99.0.7']);
    register.close();
  });
});
