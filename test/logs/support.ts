/** A syslog receiver on loopback for tests, collecting its events; real senders talk to it. */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { memoryLogger } from '../../common';
import type { InventoryNode, SecurityEvent } from '../../domain';
import { loadInventory } from '../../inventory/index';
import { startSyslogReceiver, type SyslogReceiver, type SyslogReceiverOptions } from '../../logs/index';

export const run = promisify(execFile);

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));

/** The example network, with xichuan-gw (a Huawei county router) managed from 127.0.0.1. */
export const NODES: InventoryNode[] = loaded.inventory.nodes.map((n) =>
  n.id === 'xichuan-gw' ? { ...n, address: '127.0.0.1' } : n,
);
export const EXAMPLE_NODES = loaded.inventory.nodes;

export interface TestReceiver {
  receiver: SyslogReceiver;
  events: SecurityEvent[];
}

export async function startTestReceiver(options: Partial<SyslogReceiverOptions> = {}): Promise<TestReceiver> {
  const events: SecurityEvent[] = [];
  const receiver = await startSyslogReceiver({
    port: 0,
    inventory: { nodes: NODES },
    logger: memoryLogger(),
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { receiver, events };
}

/** One datagram from `from` (a loopback address of its own, so the sender can be any node). */
export async function sendUdp(port: number, payload: Buffer | string, from = '127.0.0.1'): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, from, () => resolve()));
  await new Promise<void>((resolve, reject) =>
    socket.send(typeof payload === 'string' ? Buffer.from(payload) : payload, port, '127.0.0.1', (e) =>
      e ? reject(e) : resolve(),
    ),
  );
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}
