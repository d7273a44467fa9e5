import type { AlertLogger } from '../engine';
import type { AlertSettings, ReceiverConfig, RouteConfig } from '../rules/schema';
import { matchesLabels } from '../silences';
import type { AlertStore, OutboxRow } from '../store';
import type { AlertChangeEvent } from '../types';
import { FORMATS, type NotificationKind } from './formats/index';

/**
 * Notifications go through a durable outbox in SQLite: planned from alert changes (idempotently, by
 * dedup key), delivered by a worker with exponential backoff, kept across restarts. At least once:
 * a receiver may see a notification twice after a crash mid-delivery, and can drop it by the key.
 */

export const DEDUP_HEADER = 'X-Egov-Noc-Dedup-Key';

export interface NotificationConfig {
  receivers: ReceiverConfig[];
  routes: RouteConfig[];
  escalationReceivers: string[];
}

function dedupKey(alertId: string, kind: NotificationKind, receiver: string): string {
  return `${alertId}:${kind}:${receiver}`;
}

/** Decide which notifications an alert change needs and queue them (a key already queued is a no-op). */
export function planNotifications(
  store: AlertStore,
  config: NotificationConfig,
  settings: AlertSettings,
  changes: ReadonlyArray<{ event: AlertChangeEvent; atMs: number }>,
): number {
  if (config.receivers.length === 0) return 0;
  const byName = new Map(config.receivers.map((r) => [r.name, r]));
  let queued = 0;
  const enqueue = (receiverName: string, kind: NotificationKind, change: AlertChangeEvent, atMs: number) => {
    const receiver = byName.get(receiverName);
    if (!receiver) return;
    const key = dedupKey(change.alert.id, kind, receiver.name);
    const body = FORMATS[receiver.type].render({
      dedupKey: key,
      kind,
      alert: change.alert,
      atMs,
      utcOffsetMin: settings.utcOffsetMin,
    });
    const payload = receiver.type === 'webhook' ? body : { ...(body as object), dedupKey: key };
    if (
      store.enqueue({
        dedupKey: key,
        receiver: receiver.name,
        alertId: change.alert.id,
        kind,
        payload: JSON.stringify(payload),
        atMs,
      })
    )
      queued++;
  };
  for (const { event, atMs } of changes) {
    const alert = event.alert;
    const muted = alert.suppressedBy !== null || alert.silencedBy.length > 0;
    const routed = config.routes
      .filter((route) => matchesLabels(route.matchers, alert.labels))
      .map((route) => route.receiver);
    if (alert.status === 'resolved') {
      for (const receiver of routed)
        if (store.outboxHas(dedupKey(alert.id, 'firing', receiver)))
          enqueue(receiver, 'resolved', event, atMs);
      for (const receiver of config.escalationReceivers)
        if (store.outboxHas(dedupKey(alert.id, 'escalated', receiver)))
          enqueue(receiver, 'resolved', event, atMs);
      continue;
    }
    if (muted) continue;
    if (alert.status === 'firing') for (const receiver of routed) enqueue(receiver, 'firing', event, atMs);
    if (alert.escalatedAtMs !== null)
      for (const receiver of config.escalationReceivers) enqueue(receiver, 'escalated', event, atMs);
  }
  return queued;
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
}

/** Delivers due outbox rows over HTTP; one pass at a time, oldest first. */
export class OutboxWorker {
  private running: Promise<DeliveryReport> | null = null;
  private readonly receivers: Map<string, ReceiverConfig>;

  constructor(
    private readonly store: AlertStore,
    receivers: ReceiverConfig[],
    private readonly settings: AlertSettings,
    private readonly clock: () => number,
    private readonly log: AlertLogger,
  ) {
    this.receivers = new Map(receivers.map((r) => [r.name, r]));
  }

  /** Deliver everything due now; concurrent callers share the pass in progress. */
  deliverDue(): Promise<DeliveryReport> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Wait for a delivery pass in progress (used on stop). */
  async settle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: 0, failed: 0 };
    for (let round = 0; round < 100; round++) {
      const due = this.store.dueOutbox(this.clock(), 50);
      if (due.length === 0) break;
      for (const row of due) {
        const error = await this.send(row);
        if (error === null) {
          this.store.markDelivered(row.id, this.clock());
          report.delivered++;
        } else {
          const delayMs = Math.min(this.settings.retryMax, this.settings.retryInitial * 2 ** row.attempts);
          this.store.markFailed(row.id, this.clock() + delayMs, error);
          report.failed++;
          this.log.warn(
            {
              receiver: row.receiver,
              dedupKey: row.dedupKey,
              attempts: row.attempts + 1,
              retryInMs: delayMs,
              error,
            },
            'notification delivery failed; will retry',
          );
        }
      }
    }
    return report;
  }

  private async send(row: OutboxRow): Promise<string | null> {
    const receiver = this.receivers.get(row.receiver);
    if (!receiver) return `receiver "${row.receiver}" is no longer configured`;
    try {
      const response = await fetch(receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [DEDUP_HEADER]: row.dedupKey,
          ...receiver.headers,
        },
        body: row.payload,
        signal: AbortSignal.timeout(receiver.timeout),
      });
      const body = await response.text();
      return FORMATS[receiver.type].rejected(response.status, body);
    } catch (error) {
      // Never log the URL: robot webhooks carry their secret key in it.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return cause ?? (error instanceof Error ? error.name + ': ' + error.message : String(error));
    }
  }
}
