/**
 * The one WebSocket to /api/stream. Subscribes, applies the snapshot and then every delta to the
 * stores, reconnects with backoff and resumes from the last sequence number it applied; the
 * connection state drives the "disconnected / stale" banner.
 */
import type { ClientMessage, ServerMessage, StreamFilter } from '../../../shared';
import { alerts } from '../stores/alerts.svelte';
import { network } from '../stores/network.svelte';
import { security } from '../stores/security.svelte';
import { clock } from './clock.svelte';

export type StreamStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

/** No message at all (deltas or heartbeats) for this long means the connection is dead. */
const SILENCE_LIMIT_MS = 35_000;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

/** Now on the server's clock, so ages computed against it agree with the data's timestamps. */
const serverNow = (): number => Date.now() + clock.skewMs;

class Stream {
  status = $state<StreamStatus>('idle');
  /** When the last message of any kind arrived (browser clock). */
  lastMessageMs = $state<number | null>(null);
  /** When the stream last went from live to not live; null while live. */
  downSinceMs = $state<number | null>(null);
  attempts = $state(0);
  lastSeq: number | null = null;
  private socket: WebSocket | null = null;
  private filter: StreamFilter = {};
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private wanted = false;
  /** After a resync, deltas are ignored until the snapshot that replaces them arrives. */
  private awaitingSnapshot = false;
  private troubleListener: (() => void) | null = null;

  /** Called after repeated failed reconnects (e.g. to check whether the session expired). */
  onTrouble(listener: () => void): void {
    this.troubleListener = listener;
  }

  start(filter: StreamFilter = {}): void {
    this.filter = filter;
    this.wanted = true;
    this.lastSeq = null;
    this.open();
    this.watchdog ??= setInterval(() => this.checkSilence(), 5000);
  }

  stop(): void {
    this.wanted = false;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'signed out');
    this.status = 'idle';
    this.downSinceMs = null;
    this.lastSeq = null;
  }

  private open(): void {
    this.awaitingSnapshot = false;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/stream`;
    const socket = new WebSocket(url);
    this.socket = socket;
    this.status = this.attempts === 0 ? 'connecting' : 'reconnecting';
    socket.addEventListener('open', () => {
      const subscribe: ClientMessage =
        this.lastSeq === null
          ? { type: 'subscribe', filter: this.filter }
          : { type: 'subscribe', filter: this.filter, resumeFrom: this.lastSeq };
      socket.send(JSON.stringify(subscribe));
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      this.handle(JSON.parse(event.data) as ServerMessage);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    });
  }

  private handle(message: ServerMessage): void {
    this.lastMessageMs = serverNow();
    switch (message.type) {
      case 'snapshot':
        this.awaitingSnapshot = false;
        alerts.replaceAll(message.alerts);
        network.replaceState(message.nodes, message.links);
        clock.learnServerTime(message.serverTimeMs);
        this.lastSeq = message.seq;
        this.markLive();
        return;
      case 'alert':
        if (!this.fresh(message.seq)) return;
        alerts.apply(message.change, message.alert);
        this.markLive();
        return;
      case 'node.state':
        if (!this.fresh(message.seq)) return;
        network.updateNode(message.node);
        this.markLive();
        return;
      case 'link.state':
        if (!this.fresh(message.seq)) return;
        network.updateLink(message.link);
        this.markLive();
        return;
      case 'security.event':
        // Live only (no seq): what a drop missed is in the log store, searched on the page.
        security.receive(message.event, message.skipped);
        return;
      case 'heartbeat':
        clock.learnServerTime(message.serverTimeMs);
        // Every delta up to this seq that we may see has been sent before the heartbeat: resume from here.
        if (!this.awaitingSnapshot && this.lastSeq !== null)
          this.lastSeq = Math.max(this.lastSeq, message.seq);
        this.markLive();
        return;
      case 'resync':
        // The server cannot replay from our position (or we fell behind): a snapshot follows on this socket.
        this.awaitingSnapshot = true;
        return;
      case 'pong':
        return;
      case 'error':
        console.error(`stream: ${message.message}`);
        return;
    }
  }

  /** Deltas at or below the last applied seq were already applied (replayed after a resume). */
  private fresh(seq: number): boolean {
    if (this.awaitingSnapshot) return false;
    if (this.lastSeq !== null && seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    return true;
  }

  private markLive(): void {
    if (this.status !== 'live' && this.lastSeq !== null) {
      this.status = 'live';
      this.attempts = 0;
      this.downSinceMs = null;
    }
  }

  private scheduleReconnect(): void {
    if (!this.wanted) return;
    if (this.downSinceMs === null) this.downSinceMs = serverNow();
    this.status = 'reconnecting';
    const base = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] ?? 15000;
    this.attempts++;
    if (this.attempts % 3 === 2) this.troubleListener?.();
    const delay = base / 2 + Math.random() * base;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted) this.open();
    }, delay);
  }

  private checkSilence(): void {
    if (this.status !== 'live' || this.lastMessageMs === null) return;
    if (serverNow() - this.lastMessageMs > SILENCE_LIMIT_MS) this.abandon(4001, 'silent');
  }

  /** Drop the current socket without waiting for its close handshake, and reconnect. */
  private abandon(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    socket?.close(code, reason);
    this.scheduleReconnect();
  }
}

export const stream = new Stream();
