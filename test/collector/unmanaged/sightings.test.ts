import { describe, expect, it } from 'vitest';
import type { UnmanagedSightingEvent } from '../../../domain';
import { SightingGate, sightingKey, type Sighting } from '../../../collector/unmanaged/sightings';
import { managementAddresses } from '../../../collector/poll/lldp';

const trapFrom = (address: string): Sighting => ({
  source: 'trap',
  address,
  name: null,
  chassisId: null,
  seenBy: null,
});

function gate(options: { maxTracked?: number; maxPublishesPerInterval?: number } = {}) {
  const clock = { nowMs: 1_000_000 };
  const events: UnmanagedSightingEvent[] = [];
  const sightings = new SightingGate({
    publish: (event) => events.push(event),
    propose: (sighting) => `proposal for ${sighting.address ?? '?'}`,
    intervalMs: 60_000,
    now: () => clock.nowMs,
    ...options,
  });
  return { clock, events, sightings };
}

describe('SightingGate', () => {
  it('publishes a new device at once, then at most once per interval with the count since', () => {
    const { clock, events, sightings } = gate();
    sightings.note(trapFrom('127.0.0.9'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'unmanaged.sighting', source: 'trap', count: 1 });
    clock.nowMs += 1_000;
    sightings.note(trapFrom('127.0.0.9'));
    sightings.note(trapFrom('127.0.0.9'));
    sightings.flush();
    expect(events).toHaveLength(1);
    clock.nowMs += 60_000;
    sightings.flush();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ count: 2, firstSeenMs: 1_000_000, lastSeenMs: 1_001_000 });
    sightings.flush();
    expect(events).toHaveLength(2);
  });

  it('keeps sources and LLDP ports apart', () => {
    const lldp = (ifName: string): Sighting => ({
      source: 'lldp',
      address: '10.1.1.1',
      name: 'rogue-sw',
      chassisId: 'rogue-sw',
      seenBy: { node: 'a' as never, ifName, remotePort: 'Gi0/1' },
    });
    const keys = new Set([
      sightingKey(trapFrom('10.1.1.1')),
      sightingKey({ ...trapFrom('10.1.1.1'), source: 'syslog' }),
      sightingKey(lldp('GE0/0/1')),
      sightingKey(lldp('GE0/0/2')),
    ]);
    expect(keys.size).toBe(4);
  });

  it('remembers at most maxTracked devices, forgetting the least recently seen, and counts it', () => {
    const { sightings } = gate({ maxTracked: 100 });
    for (let i = 0; i < 10_000; i++) sightings.note(trapFrom(`10.0.${i >> 8}.${i & 255}`));
    expect(sightings.stats()).toMatchObject({ tracked: 100, evicted: 9_900 });
  });

  it('publishes at most maxPublishesPerInterval events an interval; the rest wait', () => {
    const { clock, events, sightings } = gate({ maxPublishesPerInterval: 10 });
    for (let i = 0; i < 25; i++) sightings.note(trapFrom(`10.0.0.${i}`));
    expect(events).toHaveLength(10);
    expect(sightings.stats().deferred).toBe(15);
    clock.nowMs += 60_000;
    sightings.flush();
    expect(events).toHaveLength(20);
    clock.nowMs += 60_000;
    sightings.flush();
    expect(new Set(events.map((e) => e.address)).size).toBe(25);
  });

  it('keeps at most 255 characters of what a device says about itself', () => {
    const { events, sightings } = gate();
    sightings.note({ ...trapFrom('10.0.0.1'), source: 'syslog', name: 'x'.repeat(10_000) });
    expect(events[0]?.name).toHaveLength(255);
  });
});

describe('managementAddresses', () => {
  it('reads IPv4 addresses from lldpRemManAddrTable indexes and skips others', () => {
    const byRow = managementAddresses(['0.3.1.1.4.10.41.7.9', '0.4.1.2.16.1.2.3', '0.5.1.1.4.300.1.1.1']);
    expect([...byRow]).toEqual([['0.3.1', '10.41.7.9']]);
  });
});
