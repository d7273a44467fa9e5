/**
 * The sweep: every address of the ranges gets one probe per credential kind (a GET per community, one
 * SNMPv3 engine discovery) from a single UDP socket, each datagram after a token from the bucket.
 * A probe without an answer within the timeout is retried; an address that never answers is counted
 * as silent (unreachable, no agent, or none of our communities), never an error.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { decodeProbeAnswer, encodeCommunityProbe, encodeEngineDiscovery } from './probe-codec';
import type { TokenBucket } from './token-bucket';

export interface CommunityProbe {
  /** The credentials' name in the credentials file (never the community itself in any output). */
  name: string;
  version: 0 | 1;
  community: string;
}

export interface SweepOptions {
  addresses: Iterable<string>;
  /** Where an address is reached (identity, or 10.a.b.c → 127.a.b.c on a simulated network). */
  sendAddressOf: (address: string) => string;
  port: number;
  communities: readonly CommunityProbe[];
  /** Send an SNMPv3 engine discovery too (when any v3 user is configured). */
  engineDiscovery: boolean;
  bucket: TokenBucket;
  timeoutMs: number;
  retries: number;
  signal?: AbortSignal;
}

export interface SweepHit {
  address: string;
  /** Names of the community credentials that got an answer. */
  communities: string[];
  /** The agent's SNMPv3 engine id (hex) when it answered the discovery. */
  engineId: string | null;
  sysObjectId: string | null;
  sysName: string | null;
}

export interface SweepProgress {
  addressesTotal: number;
  addressesStarted: number;
  datagrams: number;
  answered: number;
  silent: number;
  sendErrors: number;
}

export function newSweepProgress(total: number): SweepProgress {
  return { addressesTotal: total, addressesStarted: 0, datagrams: 0, answered: 0, silent: 0, sendErrors: 0 };
}

interface Probe {
  address: string;
  sendAddress: string;
  /** Index into communities; communities.length = the engine discovery. */
  kind: number;
  attempt: number;
}

interface AddressState {
  outstanding: number;
  hit: SweepHit | null;
}

const SWEEP_TICK_MS = 20;

export async function sweep(options: SweepOptions, progress: SweepProgress): Promise<Map<string, SweepHit>> {
  const { communities, port, bucket, signal } = options;
  const kinds = communities.length + (options.engineDiscovery ? 1 : 0);
  if (kinds === 0) return new Map();
  const hits = new Map<string, SweepHit>();
  const states = new Map<string, AddressState>();
  const pending = new Map<number, Probe & { deadline: number }>();
  const timeouts: number[] = [];
  let timeoutHead = 0;
  const retries: Probe[] = [];
  let retryHead = 0;
  let nextId = 1 + Math.floor(Math.random() * 0x3fff_ffff);
  const newId = () => (nextId = nextId >= 0x7fff_fffe ? 1 : nextId + 1);

  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const finishProbe = (probe: Probe) => {
    const state = states.get(probe.address);
    if (!state) return;
    state.outstanding--;
    if (state.outstanding > 0) return;
    states.delete(probe.address);
    if (state.hit) progress.answered++;
    else progress.silent++;
  };

  const socket = createSocket('udp4');
  socket.on('error', () => progress.sendErrors++);
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const answer = decodeProbeAnswer(msg);
    if (!answer) return;
    const id = answer.kind === 'community' ? answer.requestId : answer.msgId;
    const probe = pending.get(id);
    // only the address we asked may answer a probe (a forged answer from elsewhere is ignored)
    if (!probe || probe.sendAddress !== rinfo.address || rinfo.port !== port) return;
    const isEngine = probe.kind === communities.length;
    if (isEngine !== (answer.kind === 'engine')) return;
    pending.delete(id);
    const state = states.get(probe.address);
    if (state) {
      state.hit ??= {
        address: probe.address,
        communities: [],
        engineId: null,
        sysObjectId: null,
        sysName: null,
      };
      const hit = state.hit;
      hits.set(probe.address, hit);
      if (answer.kind === 'engine') hit.engineId = answer.engineId;
      else if (answer.errorStatus === 0) {
        hit.communities.push((communities[probe.kind] as CommunityProbe).name);
        hit.sysObjectId ??= answer.sysObjectId;
        hit.sysName ??= answer.sysName;
      }
    }
    finishProbe(probe);
    notify();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    // the kernel's limit is lower: the default buffer still works at modest rates
  }

  const expire = () => {
    const now = performance.now();
    while (timeoutHead < timeouts.length) {
      const id = timeouts[timeoutHead] as number;
      const probe = pending.get(id);
      if (probe && probe.deadline > now) break;
      timeoutHead++;
      if (!probe) continue;
      pending.delete(id);
      if (probe.attempt < options.retries) retries.push({ ...probe, attempt: probe.attempt + 1 });
      else finishProbe(probe);
    }
    if (timeoutHead > 4096 && timeoutHead * 2 > timeouts.length) {
      timeouts.splice(0, timeoutHead);
      timeoutHead = 0;
    }
    notify();
  };
  const ticker = setInterval(expire, SWEEP_TICK_MS);

  const addresses = options.addresses[Symbol.iterator]();
  let current: { address: string; sendAddress: string; kind: number } | null = null;
  const nextNewProbe = (): Probe | null => {
    if (!current || current.kind >= kinds) {
      const next = addresses.next();
      if (next.done) return null;
      current = { address: next.value, sendAddress: options.sendAddressOf(next.value), kind: 0 };
      states.set(next.value, { outstanding: kinds, hit: null });
      progress.addressesStarted++;
    }
    return { address: current.address, sendAddress: current.sendAddress, kind: current.kind++, attempt: 0 };
  };

  const send = (probe: Probe) => {
    const id = newId();
    const community = communities[probe.kind];
    const datagram = community
      ? encodeCommunityProbe(community.version, community.community, id)
      : encodeEngineDiscovery(id);
    pending.set(id, { ...probe, deadline: performance.now() + options.timeoutMs });
    timeouts.push(id);
    progress.datagrams++;
    socket.send(datagram, port, probe.sendAddress, (error) => {
      if (!error) return;
      // unroutable or refused by the local stack: the address is as silent as one that never answers
      progress.sendErrors++;
      if (pending.delete(id)) finishProbe(probe);
    });
  };

  try {
    while (!signal?.aborted) {
      const probe = retryHead < retries.length ? (retries[retryHead++] as Probe) : nextNewProbe();
      if (retryHead > 4096 && retryHead * 2 > retries.length) {
        retries.splice(0, retryHead);
        retryHead = 0;
      }
      if (!probe) {
        if (pending.size === 0 && retryHead >= retries.length) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      await bucket.take(1, signal);
      if (signal?.aborted) break;
      send(probe);
    }
  } finally {
    clearInterval(ticker);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return hits;
}
