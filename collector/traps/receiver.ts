/**
 * SNMP trap receiver (v1, v2c, v3) on a configurable UDP port, bound to 127.0.0.1 unless configured
 * otherwise. linkDown, linkUp, coldStart, warmStart and authenticationFailure become bus events
 * tied to the inventory node that sent them. The sender is what the network says (see
 * `senders.ts`), never what the trap says about itself; a v1/v2c trap must carry a community that
 * node may use (its own read community or a configured trap community), a v3 trap must be signed by
 * a user bound to that node. Everything else is dropped, counted and logged without secrets.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { EventBus } from '../../bus';
import type { AgentEndpoint, Inventory, NodeId, TrapEvent, Zone } from '../../domain';
import type { Logger } from '../../common';
import { snmp, type RawVarbind, type TrapPdu } from '../snmp/net-snmp';
import { toNumber, toText, toV3User } from '../snmp/session';
import { communityAccepted } from './community';
import { readTrapHeader } from './header';
import { ReplayGuard, type EngineStamp } from './replay-guard';
import { rejectionReason } from './rejections';
import { SenderDirectory } from './senders';
import type { SightingGate } from '../unmanaged/sightings';

export { SenderDirectory } from './senders';

export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
const SYS_UPTIME_0 = '1.3.6.1.2.1.1.3.0';
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

/** The trap receiver listens here unless told otherwise: only this host can send it traps. */
export const DEFAULT_TRAP_ADDRESS = '127.0.0.1';

export interface TrapReceiverOptions {
  port: number;
  /** Address to bind (default 127.0.0.1; 0.0.0.0 to receive from devices on the network). */
  address?: string;
  inventory: Inventory;
  manifest?: readonly AgentEndpoint[];
  bus: EventBus;
  logger: Logger;
  /**
   * v1/v2c communities accepted from any known node besides its own read community (inventory or
   * manifest). None by default: a community is accepted only when configured.
   */
  trapCommunities?: readonly string[];
  /** Accept traps only from nodes of this zone (a collector confined to one zone); others are rejected. */
  zone?: Zone;
  /** The collector's idea of an interface name, for traps that carry only the ifIndex. */
  ifNameOf?: (node: NodeId, ifIndex: number) => string | undefined;
  /** Unknown senders' addresses go here (to the console's "not in the inventory" list). */
  sightings?: SightingGate;
  now?: () => number;
}

export interface TrapReceiverStats {
  received: number;
  published: number;
  /** Traps whose source matches no inventory node (or, for v3, whose user is bound to none). */
  unknownSenders: number;
  /** Datagrams dropped for a wrong community, failed authentication or garbling, or from another zone. */
  rejected: number;
  /** Of those, traps from known nodes outside the receiver's zone. */
  outOfZone: number;
}

export interface TrapReceiver {
  readonly port: number;
  stats(): TrapReceiverStats;
  close(): Promise<void>;
}

/** Logs the first 100 of a kind, then every 100th: a flood must not become a log flood. */
function worthLogging(count: number): boolean {
  return count <= 100 || count % 100 === 0;
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

export async function startTrapReceiver(options: TrapReceiverOptions): Promise<TrapReceiver> {
  const { bus, logger, inventory } = options;
  const now = options.now ?? Date.now;
  const directory = new SenderDirectory(inventory, options.manifest, options.trapCommunities);
  const counters: TrapReceiverStats = {
    received: 0,
    published: 0,
    unknownSenders: 0,
    rejected: 0,
    outOfZone: 0,
  };
  const zoneOf = new Map(inventory.nodes.map((node) => [node.id, node.zone]));
  let bindError: Error | null = null;

  // Only what happened and from where: never the datagram, its community or a key.
  const reject = (from: RemoteInfo, reason: string, node?: NodeId) => {
    counters.rejected++;
    if (worthLogging(counters.rejected))
      logger.warn(
        { from: `${from.address}:${from.port}`, node, reason, rejected: counters.rejected },
        'trap rejected',
      );
  };
  const unknownSender = (from: RemoteInfo, detail: object) => {
    counters.unknownSenders++;
    options.sightings?.note({
      source: 'trap',
      address: from.address,
      name: null,
      chassisId: null,
      seenBy: null,
    });
    if (worthLogging(counters.unknownSenders))
      logger.warn(
        { from: `${from.address}:${from.port}`, ...detail, unknownSenders: counters.unknownSenders },
        'trap from unknown sender',
      );
  };

  const replayGuard = new ReplayGuard();
  /** The v3 engine stamp of the datagram net-snmp is decoding now (it decodes synchronously). */
  let v3Stamp: EngineStamp | null = null;

  /** v1/v2c: the source must be a known node and the community one it may use; v3 goes on to USM. */
  const admit = (msg: Buffer, rinfo: RemoteInfo): boolean => {
    const header = readTrapHeader(msg);
    v3Stamp = null;
    if (!header) {
      reject(rinfo, 'malformed datagram');
      return false;
    }
    if (header.version === 3) {
      v3Stamp = header;
      return true;
    }
    const node = directory.fromNetwork(rinfo.address, rinfo.port);
    if (node === null) {
      unknownSender(rinfo, { version: header.version === 0 ? 'v1' : 'v2c' });
      return false;
    }
    if (!communityAccepted(header.community, directory.credentialsOf(node).communities)) {
      reject(rinfo, 'community not accepted for this node', node);
      return false;
    }
    return true;
  };

  /** The node a decoded trap comes from, or null (counted and logged). */
  const senderOf = (pdu: TrapPdu, rinfo: RemoteInfo): NodeId | null => {
    const fromNetwork = directory.fromNetwork(rinfo.address, rinfo.port);
    if (pdu.user === undefined) return fromNetwork;
    // net-snmp has checked the signature of every configured user; anything else was unsigned.
    const signed = directory.v3Users.has(pdu.user);
    let node = fromNetwork;
    if (node !== null && !(signed && directory.credentialsOf(node).users.has(pdu.user))) {
      reject(rinfo, 'SNMPv3 user not bound to this node', node);
      return null;
    }
    node ??= signed ? directory.fromUser(pdu.user) : null;
    if (node === null) {
      unknownSender(rinfo, { version: 'v3' });
      return null;
    }
    if (v3Stamp === null || !replayGuard.accept(v3Stamp)) {
      reject(rinfo, 'SNMPv3 trap outside the sender engine’s time window (replayed or stale)', node);
      return null;
    }
    return node;
  };

  const publishTrap = (pdu: TrapPdu, rinfo: RemoteInfo) => {
    counters.received++;
    const node = senderOf(pdu, rinfo);
    if (node === null) return;
    const zone = zoneOf.get(node);
    if (options.zone !== undefined && zone !== options.zone) {
      counters.outOfZone++;
      reject(rinfo, `node in zone ${zone ?? '?'}, outside this collector's zone ${options.zone}`, node);
      return;
    }
    const trapOid = trapOidOf(pdu);
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
  };

  const address = options.address ?? DEFAULT_TRAP_ADDRESS;
  // net-snmp reads port 0 as "the default, 162": pick a free one ourselves.
  const port = options.port === 0 ? await freeUdpPort(address) : options.port;
  const receiver = snmp.createReceiver(
    {
      port,
      address,
      transport: 'udp4',
      disableAuthorization: false,
      includeAuthentication: true,
    },
    (error, data) => {
      try {
        if (error) {
          const code = (error as Error & { code?: string }).code;
          if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') bindError = error;
          else {
            const from = (error as Error & { rinfo?: RemoteInfo }).rinfo;
            if (from) reject(from, rejectionReason(error));
            else logger.warn({ reason: rejectionReason(error) }, 'trap receiver error');
          }
          return;
        }
        if (data) publishTrap(data.pdu, data.rinfo);
      } catch (failure) {
        // A subscriber's bug must not take the receiver down with it.
        logger.error({ reason: String(failure) }, 'trap handling failed');
      }
    },
  );

  const authorizer = receiver.getAuthorizer();
  for (const community of directory.communities) authorizer.addCommunity(community);
  for (const user of directory.v3Users.values()) authorizer.addUser(toV3User(user));

  // Wait for the socket to be bound (or refuse to start with the reason).
  const sockets = Object.values(
    (receiver as unknown as { listener: { sockets: Record<string, Socket> } }).listener.sockets,
  );
  const socket = sockets[0];
  if (!socket) throw new Error('trap receiver: no socket');
  gateMessages(
    socket,
    admit,
    (failure) => logger.error({ reason: String(failure) }, 'trap handling failed'),
    () => (v3Stamp = null),
  );
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (bindError) {
        clearInterval(check);
        reject(new Error(`trap receiver cannot listen on UDP ${address}:${port}: ${bindError.message}`));
      }
    }, 5);
    socket.once('listening', () => {
      clearInterval(check);
      resolve();
    });
  });
  logger.info(
    { address, port, communities: directory.communities.size, v3Users: directory.v3Users.size },
    'trap receiver listening',
  );

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

function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, address, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Puts `admit` in front of net-snmp's own datagram handler, so a v1/v2c datagram from an unknown
 * source or with a wrong community is dropped before it is decoded. Nothing thrown escapes.
 */
function gateMessages(
  socket: Socket,
  admit: (msg: Buffer, rinfo: RemoteInfo) => boolean,
  onFailure: (failure: unknown) => void,
  afterEach: () => void,
): void {
  const handlers = socket.listeners('message') as Array<(msg: Buffer, rinfo: RemoteInfo) => void>;
  socket.removeAllListeners('message');
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    try {
      if (admit(msg, rinfo)) for (const handler of handlers) handler(msg, rinfo);
    } catch (failure) {
      onFailure(failure);
    } finally {
      afterEach();
    }
  });
}
