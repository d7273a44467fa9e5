/**
 * The JetStream key-value table collectors keep their leases in, against a real nats-server:
 * `entries` reads a prefix's live entries in one pass (deleted and expired ones absent), and
 * answers at once for an empty prefix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus, type KeyValueTable } from '../../bus';
import { startNatsServer } from '../support/nats-server';

const dir = mkdtempSync(join(tmpdir(), 'egov-kv-'));
let nats: Awaited<ReturnType<typeof startNatsServer>>;
let bus: NatsBus;

beforeAll(async () => {
  nats = await startNatsServer(undefined, { jetstream: join(dir, 'js') });
  bus = await NatsBus.connect(nats.url, { name: 'kv-test', jetstream: { mode: 'on' } });
});

afterAll(async () => {
  await bus?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const byKey = (entries: { key: string; value: string }[]) =>
  Object.fromEntries(entries.map((entry) => [entry.key, entry.value]));

describe('a JetStream key-value table', () => {
  it("lists a prefix's live entries, newest value each, without the deleted ones or another prefix's", async () => {
    const table: KeyValueTable = await bus.keyValueTable('egov-kv-test-a', 60_000);
    expect(await table.entries('leases')).toEqual([]);
    const nodes = Array.from({ length: 300 }, (_, i) => `node-${i}`);
    await Promise.all(nodes.map((node) => table.create(`leases.${node}`, 'c1')));
    await table.put('members.c1', '{}');
    const moved = await table.put('leases.node-7', 'c2');
    const gone = await table.put('leases.node-8', 'c1');
    expect(await table.remove('leases.node-8', gone)).toBe(true);

    const entries = await table.entries('leases');
    const expected = Object.fromEntries(
      nodes.filter((n) => n !== 'node-8').map((n) => [`leases.${n}`, 'c1']),
    );
    expected['leases.node-7'] = 'c2';
    expect(byKey(entries)).toEqual(expected);
    expect(entries.find((entry) => entry.key === 'leases.node-7')?.revision).toBe(moved);
    expect(byKey(await table.entries('members'))).toEqual({ 'members.c1': '{}' });
  });

  it('forgets an entry one lifetime after its last write', async () => {
    const table = await bus.keyValueTable('egov-kv-test-b', 1_000);
    await table.put('leases.a', 'c1');
    expect(byKey(await table.entries('leases'))).toEqual({ 'leases.a': 'c1' });
    await expect.poll(() => table.entries('leases'), { timeout: 10_000, interval: 200 }).toEqual([]);
  });
});
