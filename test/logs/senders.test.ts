import { describe, expect, it } from 'vitest';
import { asNodeId, type InventoryNode } from '../../domain';
import { LogSenders } from '../../logs/senders';

const node = (id: string, name: string, address: string): InventoryNode =>
  ({ id: asNodeId(id), name, address, zone: 'internal' }) as InventoryNode;
const nodes = [node('xichuan-gw', '淅川县网关', '10.8.2.1'), node('nanzhao-core', '南召核心', '10.8.3.1')];
const senders = new LogSenders(
  { nodes },
  ['10.0.0.50'],
  [{ id: 'nanzhao-core', host: '127.0.0.1', port: 20161 }],
);

describe('LogSenders', () => {
  it('maps a direct sender by its source address, never by the HOSTNAME it claims', () => {
    expect(senders.resolve('10.8.2.1', 'nanzhao-core').node).toBe('xichuan-gw');
    expect(senders.resolve('::ffff:10.8.3.1', null).node).toBe('nanzhao-core');
    expect(senders.resolve('10.9.9.9', 'xichuan-gw')).toEqual({ node: null, zone: null });
  });

  it('maps a simulated agent by address and source port (all agents share 127.0.0.1)', () => {
    expect(senders.resolve('127.0.0.1', 'xichuan-gw', 20161).node).toBe('nanzhao-core');
    expect(senders.resolve('127.0.0.1', 'nanzhao-core', 20162).node).toBeNull();
  });

  it('maps a relay’s lines by HOSTNAME: node id, name or address', () => {
    expect(senders.resolve('10.0.0.50', 'xichuan-gw').node).toBe('xichuan-gw');
    expect(senders.resolve('10.0.0.50', 'XICHUAN-GW').node).toBe('xichuan-gw');
    expect(senders.resolve('10.0.0.50', '南召核心').node).toBe('nanzhao-core');
    expect(senders.resolve('10.0.0.50', '10.8.3.1').node).toBe('nanzhao-core');
    expect(senders.resolve('10.0.0.50', 'stranger').node).toBeNull();
    expect(senders.resolve('10.0.0.50', null).node).toBeNull();
  });
});
