import { timingSafeEqual } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Server } from 'node:http';
import type { Topology } from '../inventory';
import { BerError, BerReader, BerWriter, Tag } from './ber';
import { newControlToken, startControl } from './control';
import { Device, NetworkState } from './device';
import { FaultEngine, type ActiveFault, type ClearResult, type Fault, type InjectResult } from './faults';
import { loopbackAddressOf, type AgentEndpoint } from '../domain';
import { lldpEntries } from './mib/lldp';
import { shapeEntries } from './mib/shape';
import { sortEntries } from './mib/entry';
import { videoEntries } from './mib/video';
import { vendorEntries } from './mib/vendor';
import { answerPdu, parsePdu, wrapPdu } from './pdu';
import { expectedCounters as pureExpectedCounters, type ExpectedCounters } from './traffic';
import { buildTrap, buildTrapPdu, type TrapKind } from './traps';
import { buildV3Trap, handleV3 } from './usm';
import { logFaultPlayer } from './syslog/log-faults';
import { managementSide } from './syslog/operators';
import { defaultChatterPerS, SyslogSender, type SyslogTarget } from './syslog/sender';
import { MibView } from './view';

export type { Fault, FaultKind, ActiveFault, InjectResult, ClearResult } from './faults';
export { FAULT_KINDS } from './faults';
export { faultSchema, type PublicManifestEntry } from './control';
export { expectedCounters, expectedRateBps, workdayProfile, type ExpectedCounters } from './traffic';
export { videoQuality, type VideoQuality } from './video-quality';
export { PROBE_OWNER } from './mib/video';
export {
  MAX_CHATTER_PER_S,
  chatterRateProblem,
  defaultChatterPerS,
  type SyslogTarget,
} from './syslog/sender';
export { LOG_FAULT_KINDS, MAX_ATTACK_COUNT, type LogFault } from './syslog/log-faults';

export interface SimulatorOptions {
  topology: Topology;
  /** Loopback address the agents bind to (default 127.0.0.1). */
  host?: string;
  /** First agent port; agent i listens on basePort + i. 0 (default) = any free ports. */
  basePort?: number;
  /**
   * `shared` (default): every agent on `host`, one port each. `loopback`: each agent on its own
   * address, management address 10.a.b.c → 127.a.b.c, all on `port`, as devices on a real network.
   */
  addresses?: 'shared' | 'loopback';
  /** The port every agent listens on in `loopback` mode (default 161, the SNMP port; needs root). */
  port?: number;
  /** Where traps go (SNMPv2c); none when absent. */
  trapTarget?: { host: string; port: number };
  /**
   * Community every v1/v2c agent's traps carry. Default: the agent's own read community, as many
   * devices do. SNMPv3 agents always send SNMPv3 traps signed with their own user.
   */
  trapCommunity?: string;
  /** Where an agent's internal failure is reported (default: one JSON line on stderr). */
  onAgentFault?: (fault: AgentFault) => void;
  /** The simulated clock in ms (default Date.now). Every value is a function of it. */
  clock?: () => number;
  /** Control endpoint port on 127.0.0.1 (0 = any free port, the default). */
  controlPort?: number;
  /**
   * Where every node sends its syslog (UDP), in its vendor's format, from its agent's socket with
   * HOSTNAME = node id; none when absent (and log faults are refused).
   */
  syslogTarget?: SyslogTarget;
  /**
   * Background chatter in lines/s for the whole network (0: none; at most MAX_CHATTER_PER_S). Default:
   * each node once per 10 minutes, at least 1/s.
   */
  syslogRatePerS?: number;
}

/** A request an agent could not answer because of a bug, not because the request was bad. */
export interface AgentFault {
  node: string;
  reason: string;
  faults: number;
}

export interface Simulator {
  manifest: AgentEndpoint[];
  controlUrl: string;
  /** Bearer token the control endpoint requires (GET /health aside); give it only to its operators. */
  controlToken: string;
  inject(fault: Fault): InjectResult;
  clear(id: string): ClearResult;
  faults(): ActiveFault[];
  /** When the node's agent last booted (ms). */
  bootTimeOf(nodeId: string): number;
  /** Counters of an interface at an instant (default now), with no fault, for this simulator's boot times. */
  expectedCounters(nodeId: string, ifIndex: number, timeMs?: number): ExpectedCounters;
  /** Whether the node answers now (it and its path to the root are up). */
  isReachable(nodeId: string): boolean;
  /** `faults`: datagrams an agent failed on (logged and dropped; the agent keeps answering). */
  /** `logsSent`: syslog lines sent; `logsUnheard`: lines a down or cut-off node could not send. */
  stats(): {
    requests: number;
    dropped: number;
    malformed: number;
    faults: number;
    trapsSent: number;
    logsSent: number;
    logsUnheard: number;
  };
  /** Requests each agent received, by sender address:port (up to 64 senders an agent): who polls what. */
  requestsBySender(): Map<string, Map<string, number>>;
  stop(): Promise<void>;
}

const V2C_RESPONSE_LIMIT = 65_000 - 64;
/**
 * The scratch buffer holds a full answer plus the one varbind that overshoots the limit before it is
 * dropped again; a varbind echoes a request OID, so it can be as large as a whole datagram.
 */
const WRITER_BYTES = 2 * 65_536 + 1_024;
const BIND_BATCH = 256;

/** Starts one SNMP agent per inventory node on loopback, plus the control endpoint. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { topology } = options;
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost')
    throw new Error(`simulator agents bind to loopback only, not "${host}"`);
  const clock = options.clock ?? Date.now;
  const basePort = options.basePort ?? 0;
  if (basePort !== 0 && (basePort < 1024 || basePort + topology.size - 1 > 65535))
    throw new Error(
      `basePort ${basePort} cannot hold ${topology.size} agents (ports ${basePort}–${basePort + topology.size - 1} must lie in 1024–65535)`,
    );
  const agentHostOf = agentHosts(topology, options.addresses ?? 'shared', host);
  const loopbackPort = options.port ?? 161;
  if (
    options.addresses === 'loopback' &&
    (!Number.isInteger(loopbackPort) || loopbackPort < 1 || loopbackPort > 65535)
  )
    throw new Error(`port ${loopbackPort} is not a UDP port (1–65535)`);
  const trapCommunity = options.trapCommunity === undefined ? null : Buffer.from(options.trapCommunity);
  const reportFault = options.onAgentFault ?? writeAgentFault;
  const network = new NetworkState(topology, clock);
  const startMs = clock();

  const devices = new Map<string, Device>();
  for (const node of topology.nodes) {
    const credentials = topology.inventory.credentials.get(node.credentials);
    if (!credentials) throw new Error(`node "${node.id}": credentials "${node.credentials}" are not defined`);
    devices.set(node.id, new Device(node, credentials, network, startMs));
  }

  // A view is rebuilt when a part appears or disappears (module-remove, module-insert).
  const views = new Map<Device, { view: MibView; layout: number }>();
  const viewOf = (dev: Device): MibView => {
    let view = views.get(dev)?.view;
    if (!view || views.get(dev)?.layout !== dev.hardware.layout) {
      const deviceOf = (id: string) => devices.get(id);
      const reachable = (id: string) => devices.get(id)?.reachable ?? false;
      view = new MibView([
        sortEntries(lldpEntries(dev, deviceOf)),
        shapeEntries(dev),
        // ENTITY-MIB (…2.1.47) and the vendor's MIBs interleave with the video tables (…2.1.80, …4.1.x).
        sortEntries([...vendorEntries(dev), ...videoEntries(dev, { reachable })]),
      ]);
      views.set(dev, { view, layout: dev.hardware.layout });
    }
    return view;
  };

  const communities = new Map<Device, Buffer | null>();
  for (const dev of devices.values())
    communities.set(dev, dev.credentials.version === '3' ? null : Buffer.from(dev.credentials.community));

  const writer = new BerWriter(WRITER_BYTES);
  const counters = { requests: 0, dropped: 0, malformed: 0, faults: 0, trapsSent: 0 };
  const senders = new Map<string, Map<string, number>>();
  const countSender = (node: string, rinfo: RemoteInfo) => {
    const bySender = senders.get(node) ?? new Map<string, number>();
    senders.set(node, bySender);
    const key = `${rinfo.address}:${rinfo.port}`;
    if (bySender.has(key) || bySender.size < 64) bySender.set(key, (bySender.get(key) ?? 0) + 1);
  };

  const handle = (dev: Device, msg: Buffer): Buffer | null => {
    const now = clock();
    const r = new BerReader(msg);
    r.enter(Tag.Sequence);
    const version = r.readInt();
    if (version === 3)
      return handleV3(msg, dev, now, writer, (req, w, limit) =>
        answerPdu(req, viewOf(dev), dev, now, w, limit, false),
      );
    if (version !== 0 && version !== 1) return null;
    const community = r.readOctets();
    const expected = communities.get(dev);
    if (!expected || community.length !== expected.length || !timingSafeEqual(community, expected))
      return null;
    const req = parsePdu(r);
    if (version === 0 && req.type === Tag.GetBulkRequest) return null;
    writer.reset();
    const answer = answerPdu(req, viewOf(dev), dev, now, writer, V2C_RESPONSE_LIMIT, version === 0);
    wrapPdu(writer, Tag.Response, req.requestId, answer.errorStatus, answer.errorIndex);
    writer.prependOctets(community);
    writer.prependInt(version);
    writer.wrap(Tag.Sequence);
    return writer.finish();
  };

  const sockets = new Map<Device, Socket>();
  let trapRequestId = 1;
  const sendTrap = (dev: Device, kind: TrapKind, ifIndex?: number) => {
    const target = options.trapTarget;
    const socket = sockets.get(dev);
    if (!target || !socket) return;
    try {
      const requestId = trapRequestId++;
      const now = clock();
      const community = dev.credentials.version === '3' ? null : (trapCommunity ?? communities.get(dev));
      const message = community
        ? buildTrap(dev, community, kind, now, requestId, ifIndex)
        : buildV3Trap(dev, now, requestId, buildTrapPdu(dev, kind, now, requestId, ifIndex));
      counters.trapsSent++;
      socket.send(message, target.port, target.host);
    } catch (error) {
      counters.faults++;
      reportFault({ node: dev.node.id, reason: `trap not sent: ${String(error)}`, faults: counters.faults });
    }
  };

  /** Never throws: a bad request is dropped (malformed), an agent bug is logged and dropped (faults). */
  const serveDatagram = (dev: Device, socket: Socket, msg: Buffer, rinfo: RemoteInfo) => {
    counters.requests++;
    countSender(dev.node.id, rinfo);
    if (!dev.reachable) {
      counters.dropped++;
      return;
    }
    try {
      const reply = handle(dev, msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    } catch (error) {
      if (error instanceof BerError) {
        counters.malformed++;
        return;
      }
      counters.faults++;
      if (counters.faults <= 100 || counters.faults % 100 === 0)
        reportFault({ node: dev.node.id, reason: String(error), faults: counters.faults });
    }
  };

  const bindOne = (dev: Device, port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const agentHost = agentHostOf(dev.node.id);
      const socket = createSocket({ type: agentHost === '::1' ? 'udp6' : 'udp4' });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `agent port ${agentHost}:${port} for node "${dev.node.id}" is in use: choose another ${options.addresses === 'loopback' ? '--port' : '--base-port'}`
              : error.code === 'EACCES'
                ? `agent "${dev.node.id}" may not bind ${agentHost}:${port}: ports below 1024 need root (choose --port 1024 or above)`
                : `agent "${dev.node.id}": ${error.message}`,
          ),
        ),
      );
      socket.bind(port, agentHost, () => {
        socket.removeAllListeners('error');
        socket.on('error', () => {
          counters.dropped++;
        });
        socket.on('message', (msg, rinfo) => serveDatagram(dev, socket, msg, rinfo));
        resolve(socket);
      });
    });

  const list = [...devices.values()];
  try {
    for (let i = 0; i < list.length; i += BIND_BATCH) {
      const batch = list.slice(i, i + BIND_BATCH);
      const bound = await Promise.all(
        batch.map((dev, j) =>
          bindOne(
            dev,
            options.addresses === 'loopback' ? loopbackPort : basePort === 0 ? 0 : basePort + i + j,
          ),
        ),
      );
      batch.forEach((dev, j) => {
        const socket = bound[j] as Socket;
        sockets.set(dev, socket);
        dev.port = socket.address().port;
      });
    }
  } catch (error) {
    for (const socket of sockets.values()) socket.close();
    throw error;
  }

  const syslog = options.syslogTarget
    ? new SyslogSender({
        target: options.syslogTarget,
        chatterPerS: options.syslogRatePerS ?? defaultChatterPerS(list.length),
        devices: list,
        management: managementSide(topology.nodes),
        clock,
        send: (dev, datagram, to) => sockets.get(dev)?.send(datagram, to.port, to.host),
      })
    : null;
  const engine = new FaultEngine({
    topology,
    network,
    clock,
    device: (id) => devices.get(id),
    devices: () => devices.values(),
    sendTrap: (dev, kind, ifIndex) => {
      sendTrap(dev, kind, ifIndex);
      const ifName =
        ifIndex === undefined ? undefined : dev.ifs.find((s) => s.plan.ifIndex === ifIndex)?.plan.name;
      if (syslog && ifName) syslog.emit(dev, { kind: 'interface', ifName, up: kind === 'linkUp' });
    },
    ...(syslog ? { logs: logFaultPlayer(syslog, (id) => devices.get(id)) } : {}),
  });
  engine.recomputeReachability();

  const manifest: AgentEndpoint[] = list.map((dev) => {
    const c = dev.credentials;
    const entry: AgentEndpoint = { id: dev.node.id, host: agentHostOf(dev.node.id), port: dev.port };
    if (c.version === '3')
      entry.v3 = {
        user: c.user,
        level: c.level,
        authProtocol: c.authProtocol,
        authKey: c.authKey,
        engineId: dev.engineId.toString('hex'),
        ...(c.privProtocol ? { privProtocol: c.privProtocol } : {}),
        ...(c.privKey ? { privKey: c.privKey } : {}),
      };
    else entry.community = c.community;
    return entry;
  });

  const controlToken = newControlToken();
  const target = {
    manifest,
    inject: (fault: Fault) => engine.inject(fault),
    clear: (id: string) => engine.clear(id),
    faults: () => engine.list(),
  };
  let control: { url: string; server: Server };
  try {
    control = await startControl(target, options.controlPort ?? 0, controlToken, (error) =>
      reportFault({ node: '(control endpoint)', reason: String(error), faults: ++counters.faults }),
    );
  } catch (error) {
    for (const socket of sockets.values()) socket.close();
    throw error;
  }
  syslog?.start();

  const mustDevice = (id: string) => {
    const dev = devices.get(id);
    if (!dev) throw new Error(`unknown node "${id}"`);
    return dev;
  };

  let stopped = false;
  return {
    manifest,
    controlUrl: control.url,
    controlToken,
    inject: target.inject,
    clear: target.clear,
    faults: target.faults,
    bootTimeOf: (id) => mustDevice(id).bootMs,
    expectedCounters: (id, ifIndex, timeMs) =>
      pureExpectedCounters(topology, id, ifIndex, timeMs ?? clock(), mustDevice(id).bootMs),
    isReachable: (id) => mustDevice(id).reachable,
    requestsBySender: () => new Map([...senders].map(([node, bySender]) => [node, new Map(bySender)])),
    stats: () => ({
      ...counters,
      logsSent: syslog?.stats.sent ?? 0,
      logsUnheard: syslog?.stats.unreachable ?? 0,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      syslog?.stop();
      await Promise.all([
        new Promise<void>((resolve) => {
          control.server.close(() => resolve());
          // keep-alive clients (fetch) would otherwise hold close() open for seconds
          control.server.closeAllConnections();
        }),
        ...[...sockets.values()].map(
          (socket) => new Promise<void>((resolve) => socket.close(() => resolve())),
        ),
      ]);
    },
  };
}

/** Where each node's agent binds: `host` for all, or its own loopback address (every node checked first). */
function agentHosts(topology: Topology, mode: 'shared' | 'loopback', host: string): (id: string) => string {
  if (mode === 'shared') return () => host;
  const hosts = new Map<string, string>();
  const refused: string[] = [];
  for (const node of topology.nodes) {
    const mapped = loopbackAddressOf(node.address);
    if (mapped) hosts.set(node.id, mapped);
    else refused.push(`${node.id} (${node.address})`);
  }
  if (refused.length > 0)
    throw new Error(
      `addresses loopback maps 10.a.b.c to 127.a.b.c; ${refused.length} node(s) have an address outside 10.0.0.0/8: ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''}`,
    );
  return (id) => hosts.get(id) ?? host;
}

function writeAgentFault(fault: AgentFault): void {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', msg: 'simulated agent failed on a request', ...fault })}\n`,
  );
}
