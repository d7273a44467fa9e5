/**
 * SNMP trap receiver (v1, v2c, v3) on a configurable UDP port. linkDown, linkUp, coldStart,
 * warmStart and authenticationFailure become bus events tied to the inventory node. The sender is
 * found by its source address and port (the simulator sends each agent's traps from that agent's
 * port), then by its address alone, then by the trap's own snmpTrapAddress.0 or sysName.0 varbind.
 * Unknown senders and undecodable datagrams are counted and logged, never crash the receiver.
 */
import type { Socket } from 'node:dgram';
import type { EventBus } from '../../bus/event-bus';
import type { TrapEvent } from '../../bus/events';
import type { Inventory, NodeId, SnmpCredentials } from '../../inventory/types';
import type { ManifestEntry } from '../../simulator/manifest';
import type { CollectorLogger } from '../logging';
import { snmp, type RawVarbind, type TrapPdu } from '../snmp/net-snmp';
import { toNumber, toText, toV3User } from '../snmp/session';

export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
export const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';
const SYS_UPTIME_0 = '1.3.6.1.2.1.1.3.0';
const SYS_NAME_0 = '1.3.6.1.2.1.1.5.0';
const IF_INDEX = '1.3.6.1.2.1.2.2.1.1.';
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1.';
const IF_DESCR = '1.3.6.1.2.1.2.2.1.2.';

const GENERIC_TRAPS: Record<string, TrapEvent['trap']> = {
  '1.3.6.1.6.3.1.1.5.1': 'coldStart',
  '1.3.6.1.6.3.1.1.5.2': 'warmStart',
  '1.3.6.1.6.3.1.1.5.3': 'linkDown',
  '1.3.6.1.6.3.1.1.5.4': 'linkUp',
  '1.3.6.1.6.3.1.1.5.5': 'authenticationFailure',
};
/** SNMPv1 generic-trap numbers → the SNMPv2 trap OID (RFC 3584 §3.1). */
const V1_GENERIC_OIDS = [
  '1.3.6.1.6.3.1.1.5.1',
  '1.3.6.1.6.3.1.1.5.2',
  '1.3.6.1.6.3.1.1.5.3',
  '1.3.6.1.6.3.1.1.5.4',
  '1.3.6.1.6.3.1.1.5.5',
];

export interface TrapReceiverOptions {
  port: number;
  address?: string;
  inventory: Inventory;
  manifest?: readonly ManifestEntry[];
  bus: EventBus;
  logger: CollectorLogger;
  /**
   * v1/v2c communities accepted on traps besides the inventory's and the manifest's read
   * communities (devices often send traps with their own). Default: ["public"], what the simulator
   * and most factory configs send.
   */
  trapCommunities?: readonly string[];
  /** The collector's idea of an interface name, for traps that carry only the ifIndex. */
  ifNameOf?: (node: NodeId, ifIndex: number) => string | undefined;
  now?: () => number;
}

export interface TrapReceiverStats {
  received: number;
  published: number;
  unknownSenders: number;
  rejected: number;
}

export interface TrapReceiver {
  readonly port: number;
  stats(): TrapReceiverStats;
  close(): Promise<void>;
}

/** Who sent a trap: resolution tables built once from the inventory and the manifest. */
export class SenderDirectory {
  private readonly byAddressPort = new Map<string, NodeId>();
  private readonly byAddress = new Map<string, NodeId | null>();
  private readonly byManagementAddress = new Map<string, NodeId>();
  private readonly ids = new Set<string>();

  constructor(inventory: Inventory, manifest: readonly ManifestEntry[] = []) {
    const add = (address: string, id: NodeId) => {
      const seen = this.byAddress.get(address);
      // An address shared by several agents (all simulated agents live on 127.0.0.1) identifies none.
      this.byAddress.set(address, seen === undefined || seen === id ? id : null);
    };
    for (const node of inventory.nodes) {
      this.ids.add(node.id);
      this.byManagementAddress.set(node.address, node.id);
    }
    const known = new Set<string>(inventory.nodes.map((n) => n.id));
    for (const entry of manifest) {
      if (!known.has(entry.id)) continue;
      const id = entry.id as NodeId;
      this.byAddressPort.set(`${entry.host}:${entry.port}`, id);
      add(entry.host, id);
    }
    for (const node of inventory.nodes)
      if (!manifest.some((m) => m.id === node.id)) add(node.address, node.id);
  }

  /** `agentAddr`: the SNMPv1 Trap-PDU's agent-addr field, the device's own word for its address. */
  resolve(address: string, port: number, varbinds: readonly RawVarbind[], agentAddr?: string): NodeId | null {
    const exact = this.byAddressPort.get(`${address}:${port}`);
    if (exact) return exact;
    const byAddress = this.byAddress.get(address);
    if (byAddress) return byAddress;
    const byAgentAddr = agentAddr === undefined ? undefined : this.byManagementAddress.get(agentAddr);
    if (byAgentAddr) return byAgentAddr;
    for (const vb of varbinds) {
      if (vb.oid === SNMP_TRAP_ADDRESS) {
        const id = this.byManagementAddress.get(String(vb.value));
        if (id) return id;
      }
      if (vb.oid === SYS_NAME_0) {
        const name = toText(vb);
        if (name !== null && this.ids.has(name)) return name as NodeId;
      }
    }
    return null;
  }
}

function trapOidOf(pdu: TrapPdu): string | null {
  if (pdu.type === snmp.PduType.Trap) {
    const generic = pdu.generic ?? -1;
    if (generic >= 0 && generic < V1_GENERIC_OIDS.length) return V1_GENERIC_OIDS[generic] ?? null;
    return pdu.enterprise ? `${pdu.enterprise}.0.${pdu.specific ?? 0}` : null;
  }
  const vb = pdu.varbinds.find((v) => v.oid === SNMP_TRAP_OID);
  return vb ? String(vb.value) : null;
}

function ifIndexOf(varbinds: readonly RawVarbind[]): number | null {
  const vb = varbinds.find((v) => v.oid.startsWith(IF_INDEX));
  if (vb) return toNumber(vb) ?? Number(vb.oid.slice(IF_INDEX.length));
  const named = varbinds.find((v) => v.oid.startsWith(IF_NAME) || v.oid.startsWith(IF_DESCR));
  return named ? Number(named.oid.split('.').pop()) : null;
}

function credentialsOf(
  inventory: Inventory,
  manifest: readonly ManifestEntry[],
): { communities: Set<string>; users: SnmpCredentials[] } {
  const communities = new Set<string>();
  const users: SnmpCredentials[] = [];
  for (const c of inventory.credentials.values()) {
    if (c.version === '3') users.push(c);
    else communities.add(c.community);
  }
  for (const m of manifest) {
    if (m.community !== undefined) communities.add(m.community);
    if (m.v3) users.push({ name: `manifest:${m.id}`, version: '3', ...m.v3 });
  }
  return { communities, users };
}

export async function startTrapReceiver(options: TrapReceiverOptions): Promise<TrapReceiver> {
  const { bus, logger, inventory } = options;
  const now = options.now ?? Date.now;
  const directory = new SenderDirectory(inventory, options.manifest);
  const counters: TrapReceiverStats = { received: 0, published: 0, unknownSenders: 0, rejected: 0 };
  let bindError: Error | null = null;

  const receiver = snmp.createReceiver(
    {
      port: options.port,
      address: options.address ?? '0.0.0.0',
      transport: 'udp4',
      disableAuthorization: false,
      includeAuthentication: false,
    },
    (error, data) => {
      if (error) {
        const code = (error as Error & { code?: string }).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          bindError = error;
          return;
        }
        counters.rejected++;
        // Never the datagram or the credentials: only what happened and from where.
        const from = (error as Error & { rinfo?: { address: string; port: number } }).rinfo;
        if (counters.rejected <= 100 || counters.rejected % 100 === 0)
          logger.warn(
            {
              from: from ? `${from.address}:${from.port}` : undefined,
              reason: error.message,
              rejected: counters.rejected,
            },
            'trap rejected',
          );
        return;
      }
      if (!data) return;
      counters.received++;
      const { pdu, rinfo } = data;
      const node = directory.resolve(rinfo.address, rinfo.port, pdu.varbinds, pdu.agentAddr);
      const trapOid = trapOidOf(pdu);
      if (node === null) {
        counters.unknownSenders++;
        if (counters.unknownSenders <= 100 || counters.unknownSenders % 100 === 0)
          logger.warn(
            { from: `${rinfo.address}:${rinfo.port}`, trapOid, unknownSenders: counters.unknownSenders },
            'trap from unknown sender',
          );
        return;
      }
      const timeMs = now();
      const trap = (trapOid !== null ? GENERIC_TRAPS[trapOid] : undefined) ?? 'other';
      const ifIndex = ifIndexOf(pdu.varbinds);
      const varbinds = pdu.varbinds.map((vb) => ({ oid: vb.oid, value: toText(vb) ?? '' }));
      bus.publish({ type: 'trap', node, timeMs, trap, trapOid: trapOid ?? '', ifIndex, varbinds });
      counters.published++;
      if ((trap === 'linkDown' || trap === 'linkUp') && ifIndex !== null) {
        const nameVb =
          pdu.varbinds.find((v) => v.oid === `${IF_NAME}${ifIndex}`) ??
          pdu.varbinds.find((v) => v.oid === `${IF_DESCR}${ifIndex}`);
        const ifName = toText(nameVb) ?? options.ifNameOf?.(node, ifIndex) ?? `if${ifIndex}`;
        bus.publish({
          type: 'interface.state',
          node,
          timeMs,
          ifIndex,
          ifName,
          state: trap === 'linkUp' ? 'up' : 'down',
          source: 'trap',
        });
      }
      if (trap === 'coldStart' || trap === 'warmStart') {
        const uptime =
          pdu.type === snmp.PduType.Trap
            ? (pdu.upTime ?? 0)
            : (toNumber(pdu.varbinds.find((v) => v.oid === SYS_UPTIME_0)) ?? 0);
        bus.publish({ type: 'node.reboot', node, timeMs, source: 'trap', uptimeS: uptime / 100 });
      }
      logger.info({ node, trap, ifIndex, from: `${rinfo.address}:${rinfo.port}` }, 'trap');
    },
  );

  const { communities, users } = credentialsOf(inventory, options.manifest ?? []);
  for (const community of options.trapCommunities ?? ['public']) communities.add(community);
  const authorizer = receiver.getAuthorizer();
  for (const community of communities) authorizer.addCommunity(community);
  const names = new Set<string>();
  for (const user of users)
    if (user.version === '3' && !names.has(user.user)) {
      names.add(user.user);
      authorizer.addUser(toV3User(user));
    }

  // Wait for the socket to be bound (or refuse to start with the reason).
  const sockets = Object.values(
    (receiver as unknown as { listener: { sockets: Record<string, Socket> } }).listener.sockets,
  );
  const socket = sockets[0];
  if (!socket) throw new Error('trap receiver: no socket');
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (bindError) {
        clearInterval(check);
        reject(new Error(`trap receiver cannot listen on UDP port ${options.port}: ${bindError.message}`));
      }
    }, 5);
    socket.once('listening', () => {
      clearInterval(check);
      resolve();
    });
  });
  const port = socket.address().port;
  logger.info({ port, communities: communities.size, v3Users: names.size }, 'trap receiver listening');

  return {
    port,
    stats: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve) => {
        try {
          receiver.close(() => resolve());
        } catch {
          resolve();
        }
      }),
  };
}
