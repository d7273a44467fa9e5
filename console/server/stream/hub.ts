/**
 * The WebSocket hub behind /api/stream (protocol: docs/websocket.md).
 *
 * - One global, strictly increasing `seq` for every delta the hub emits (alert, node.state,
 *   link.state). It starts at the server's start time in µs, so a seq from a previous server
 *   process is always older than the retained window and gets a `resync`, never a wrong replay.
 * - The last `retain` deltas are kept; a client that resubscribes with `resumeFrom` inside that
 *   window gets exactly the deltas after it that it may see, in order; otherwise `resync` + snapshot.
 * - What a client may see is decided per message by its Scope (access.ts) and its filter.
 * - Each message is serialized once and the same buffer goes to every client.
 * - Security events go only to clients whose filter asks for them (`securityEvents: true`), live:
 *   no seq, not retained, at most `securityEventsPerS` per client, none while its buffer is full
 *   (no resync): the log store holds them all, so a client is told how many it missed (`skipped`)
 *   and searches for them instead of the hub replaying a flood.
 * - A client whose socket buffer exceeds `maxBufferedBytes` gets `resync`, its deltas are dropped
 *   until the buffer drains, then it gets a fresh snapshot; it is cut after `stallMs` without draining.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Logger } from '../../../common';
import {
  severityRank,
  type Alert,
  type AlertChange,
  type Link,
  type NodeId,
  type SecurityEvent,
} from '../../../domain';
import type { Topology } from '../../../inventory';
import type { Scope } from '../access';
import type { LinkLiveState, NodeLiveState, ServerMessage, StreamFilter } from '../../shared';
import type { LiveState } from '../live-state';
import type { AlertsPort } from '../ports';
import { clientMessageSchema } from '../schemas';
import { SecurityBudget } from './security-budget';

export interface HubOptions {
  heartbeatMs: number;
  /**
   * How often every stream's session or token is re-checked, to end streams whose access ended
   * outside this server's own routes (the CLI, expiry). Routes that change state re-check at once.
   */
  revalidateMs: number;
  /** Deltas kept for resume. */
  retain: number;
  maxBufferedBytes: number;
  /** A client that has not drained its buffer for this long is disconnected. */
  stallMs: number;
  /** Security events sent to one client per second at most; the rest are counted as `skipped`. */
  securityEventsPerS: number;
  /** The clock security-event budgets run on (tests). */
  now: () => number;
}
export const DEFAULT_HUB_OPTIONS: HubOptions = {
  heartbeatMs: 15_000,
  revalidateMs: 1000,
  retain: 20_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  stallMs: 60_000,
  securityEventsPerS: 100,
  now: () => Date.now(),
};

/** Who a delta concerns: the nodes it is about (all must be in scope) and an alert severity. */
interface Target {
  /** null = network-wide (no node): only whole-network scopes see it. */
  nodes: NodeId[] | null;
  severity: Alert['severity'] | null;
}

interface Delta {
  seq: number;
  frame: Buffer;
  target: Target;
}

interface Client {
  ws: WebSocket;
  username: string;
  scope: Scope;
  filter: StreamFilter | null;
  /** Set after overflow: deltas are dropped until a fresh snapshot has been sent. */
  needsSnapshot: boolean;
  overflowSinceMs: number | null;
  alive: boolean;
  access: StreamAccess;
  security: SecurityBudget;
}

/** How a stream learns whether the session or token it was opened with still stands. */
export interface StreamAccess {
  /** No side effects: the session, token and user as they are now. */
  stillValid: () => boolean;
  /** The stream is activity: slide the session's expiry (called with each heartbeat). */
  keepAlive: () => void;
}

type DeltaMessage =
  | { type: 'alert'; change: AlertChange; alert: Alert }
  | { type: 'node.state'; node: NodeLiveState }
  | { type: 'link.state'; link: LinkLiveState };

export class StreamHub {
  private seq = Date.now() * 1000;
  /** Distinguishes hubs in one process (response caches keyed by seq). */
  readonly instance = randomUUID();
  private readonly ring: Delta[] = [];
  private readonly clients = new Set<Client>();
  private readonly timer: NodeJS.Timeout;
  private readonly revalidateTimer: NodeJS.Timeout;
  private readonly options: HubOptions;
  private readonly linkById: ReadonlyMap<string, Link>;

  constructor(
    private readonly topology: Topology,
    private readonly live: LiveState,
    private readonly alerts: AlertsPort,
    private readonly log: Logger,
    options: Partial<HubOptions> = {},
  ) {
    this.options = { ...DEFAULT_HUB_OPTIONS, ...options };
    this.linkById = new Map(topology.links.map((link) => [link.id, link]));
    this.timer = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
    this.timer.unref();
    this.revalidateTimer = setInterval(() => this.revalidate(), this.options.revalidateMs);
    this.revalidateTimer.unref();
  }

  currentSeq(): number {
    return this.seq;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  // ---------- emitting ----------

  publishAlert(change: AlertChange, alert: Alert): void {
    this.publish(
      { type: 'alert', change, alert },
      { nodes: alert.node === null ? null : [alert.node], severity: alert.severity },
    );
  }

  publishNode(node: NodeLiveState): void {
    this.publish({ type: 'node.state', node }, { nodes: [node.id as NodeId], severity: null });
  }

  publishLink(link: LinkLiveState): void {
    const inventoryLink = this.linkById.get(link.id);
    if (!inventoryLink) return;
    this.publish(
      { type: 'link.state', link },
      { nodes: [inventoryLink.a.node, inventoryLink.b.node], severity: null },
    );
  }

  publishSecurityEvent(event: SecurityEvent): void {
    const target: Target = { nodes: event.node === null ? null : [event.node], severity: event.severity };
    const nowMs = this.options.now();
    let shared: Buffer | null = null;
    for (const client of this.clients) {
      if (!client.filter?.securityEvents || !this.visible(client, target)) continue;
      const budget = client.security;
      if (client.needsSnapshot || !budget.take(nowMs)) {
        budget.skipped += 1;
        continue;
      }
      const frame =
        budget.skipped === 0
          ? (shared ??= Buffer.from(JSON.stringify({ type: 'security.event', event })))
          : Buffer.from(JSON.stringify({ type: 'security.event', event, skipped: budget.skipped }));
      if (client.ws.bufferedAmount + frame.length > this.options.maxBufferedBytes) {
        budget.skipped += 1;
        continue;
      }
      this.send(client, frame);
      budget.skipped = 0;
    }
  }

  private publish(message: DeltaMessage, target: Target): void {
    this.seq += 1;
    const delta: Delta = {
      seq: this.seq,
      frame: Buffer.from(JSON.stringify({ ...message, seq: this.seq })),
      target,
    };
    this.ring.push(delta);
    if (this.ring.length > this.options.retain) this.ring.splice(0, this.ring.length - this.options.retain);
    for (const client of this.clients) if (client.filter !== null) this.deliver(client, delta);
  }

  // ---------- visibility ----------

  private visible(client: Client, target: Target): boolean {
    const filter = client.filter;
    if (filter === null) return false;
    if (target.nodes === null) {
      if (!client.scope.isWholeNetwork) return false;
      if (filter.zones || filter.tiers || filter.subtree) return false;
    } else {
      if (!target.nodes.every((node) => client.scope.allowsNode(node))) return false;
      if (!target.nodes.some((node) => this.matchesNodeFilter(node, filter))) return false;
    }
    if (target.severity !== null && filter.minSeverity !== undefined)
      return severityRank(target.severity) <= severityRank(filter.minSeverity);
    return true;
  }

  private matchesNodeFilter(id: NodeId, filter: StreamFilter): boolean {
    const node = this.topology.find(id);
    if (!node) return false;
    if (filter.zones && !filter.zones.includes(node.zone)) return false;
    if (filter.tiers && !filter.tiers.includes(node.tier)) return false;
    if (filter.subtree !== undefined && !this.topology.isInSubtree(id, filter.subtree as NodeId))
      return false;
    return true;
  }

  // ---------- sending ----------

  private send(client: Client, frame: Buffer | ServerMessage): void {
    const data = Buffer.isBuffer(frame) ? frame : Buffer.from(JSON.stringify(frame));
    client.ws.send(data, { binary: false });
  }

  private deliver(client: Client, delta: Delta): void {
    if (!this.visible(client, delta.target)) return;
    if (client.needsSnapshot) {
      // Drained: the snapshot already holds this delta's effect (its seq is taken after the delta's).
      if (client.ws.bufferedAmount <= this.options.maxBufferedBytes / 4) this.sendSnapshot(client);
      return;
    }
    if (client.ws.bufferedAmount + delta.frame.length > this.options.maxBufferedBytes)
      return this.overflow(client);
    this.send(client, delta.frame);
  }

  private overflow(client: Client): void {
    client.needsSnapshot = true;
    client.overflowSinceMs = Date.now();
    this.send(client, {
      type: 'resync',
      reason: 'slow consumer: the server dropped your backlog; a snapshot follows',
    });
    this.log.warn(
      { user: client.username, bufferedBytes: client.ws.bufferedAmount },
      'stream client overflowed; resync',
    );
  }

  private snapshot(client: Client): ServerMessage {
    const seq = this.seq;
    const alerts = this.alerts
      .list({ status: ['firing', 'acknowledged'], includeSuppressed: true, limit: 100_000 })
      .filter((alert) =>
        this.visible(client, { nodes: alert.node === null ? null : [alert.node], severity: alert.severity }),
      );
    const nodes = this.live
      .allNodes()
      .filter((node) => this.visible(client, { nodes: [node.id as NodeId], severity: null }));
    const links = this.topology.links
      .filter((link) => this.visible(client, { nodes: [link.a.node, link.b.node], severity: null }))
      .map((link) => this.live.link(link.id))
      .filter((link): link is LinkLiveState => link !== undefined);
    return { type: 'snapshot', seq, alerts, nodes, links, serverTimeMs: Date.now() };
  }

  private sendSnapshot(client: Client): void {
    client.needsSnapshot = false;
    client.overflowSinceMs = null;
    this.send(client, this.snapshot(client));
  }

  // ---------- clients ----------

  /** Take over an authenticated socket. */
  attach(ws: WebSocket, who: { username: string; scope: Scope; access: StreamAccess }): void {
    const client: Client = {
      ws,
      username: who.username,
      scope: who.scope,
      access: who.access,
      filter: null,
      needsSnapshot: false,
      overflowSinceMs: null,
      alive: true,
      security: new SecurityBudget(this.options.securityEventsPerS),
    };
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.send(client, { type: 'error', message: 'send JSON text frames' });
      this.receive(
        client,
        (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8'),
      );
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (error) => {
      this.log.info({ user: client.username, err: error.message }, 'stream socket error');
      this.clients.delete(client);
    });
  }

  private receive(client: Client, text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.send(client, { type: 'error', message: 'not valid JSON' });
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.send(client, {
        type: 'error',
        message: `invalid message at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
      });
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ping':
        return this.send(client, { type: 'pong', atMs: message.atMs });
      case 'subscribe':
        return this.subscribe(client, message.filter, message.resumeFrom);
    }
  }

  private subscribe(client: Client, filter: StreamFilter, resumeFrom: number | undefined): void {
    if (filter.subtree !== undefined && !client.scope.containsSubtree(filter.subtree)) {
      client.filter = null;
      return this.send(client, {
        type: 'error',
        message: `subtree "${filter.subtree}" is not a node within your scope`,
      });
    }
    client.filter = filter;
    client.needsSnapshot = false;
    client.security.skipped = 0;
    if (resumeFrom === undefined) return this.sendSnapshot(client);
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    if (resumeFrom < oldest - 1 || resumeFrom > this.seq) {
      this.send(client, {
        type: 'resync',
        reason: `cannot resume from ${resumeFrom}: the server holds ${oldest}..${this.seq}; a snapshot follows`,
      });
      return this.sendSnapshot(client);
    }
    const start = this.firstIndexAfter(resumeFrom);
    // An overflow mid-replay stops it: the snapshot sent once the buffer drains covers the rest.
    for (let index = start; index < this.ring.length && !client.needsSnapshot; index += 1) {
      const delta = this.ring[index];
      if (delta) this.deliver(client, delta);
    }
  }

  private firstIndexAfter(seq: number): number {
    let low = 0;
    let high = this.ring.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.ring[mid]?.seq ?? Infinity) <= seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private heartbeat(): void {
    const now = Date.now();
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        this.clients.delete(client);
        continue;
      }
      if (this.endIfInvalid(client)) continue;
      client.access.keepAlive();
      client.alive = false;
      client.ws.ping();
      if (client.filter === null) continue;
      if (client.needsSnapshot) {
        if (client.overflowSinceMs !== null && now - client.overflowSinceMs > this.options.stallMs) {
          this.log.warn({ user: client.username }, 'stream client stalled; disconnecting');
          client.ws.terminate();
          this.clients.delete(client);
        } else if (client.ws.bufferedAmount <= this.options.maxBufferedBytes / 4) this.sendSnapshot(client);
        continue;
      }
      this.send(client, { type: 'heartbeat', seq: this.seq, serverTimeMs: now });
    }
  }

  /** Ends (close code 4401) every stream whose session, token or user no longer stands. */
  revalidate(): void {
    for (const client of this.clients) this.endIfInvalid(client);
  }

  private endIfInvalid(client: Client): boolean {
    if (client.access.stillValid()) return false;
    client.ws.close(4401, 'session ended');
    this.clients.delete(client);
    return true;
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.revalidateTimer);
    for (const client of this.clients) client.ws.close(1001, 'server shutting down');
    this.clients.clear();
  }
}
