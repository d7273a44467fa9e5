import type { Logger } from '../../common';
import type { AlertSettings, ReceiverConfig, RouteConfig } from '../rules/schema';
import { matchesLabels } from '../silences';
import type { AlertStore, OutboxRow } from '../store';
import type { AlertChangeEvent } from '../../domain';
import { FORMATS, type NotificationKind } from './formats/index';
import { resolveReceiverHeaders } from './receiver-headers';
import { deliveryErrorText, urlSecrets } from './redact';

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
  /** Each receiver's URL credentials and header values: masked in every error that is logged or stored. */
  private readonly secrets: Map<string, string[]>;

  constructor(
    private readonly store: AlertStore,
    receivers: ReceiverConfig[],
    private readonly settings: AlertSettings,
    private readonly clock: () => number,
    private readonly log: Logger,
    /** Each receiver's request headers with `{ env }` references read (resolveReceiverHeaders). */
    private readonly headers: ReadonlyMap<string, Record<string, string>> = resolveReceiverHeaders(
      receivers,
      {},
    ),
  ) {
    this.receivers = new Map(receivers.map((r) => [r.name, r]));
    this.secrets = new Map(
      receivers.map((r) => [
        r.name,
        [...urlSecrets(r.url), ...Object.values(this.headers.get(r.name) ?? {})],
      ]),
    );
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
    const error = await this.post(receiver, row);
    return error === null ? null : deliveryErrorText(error, this.secrets.get(receiver.name) ?? []);
  }

  /** One POST; the failure reason as the receiver or fetch gave it (redacted by the caller). */
  private async post(receiver: ReceiverConfig, row: OutboxRow): Promise<string | null> {
    try {
      const response = await fetch(receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [DEDUP_HEADER]: row.dedupKey,
          ...this.headers.get(receiver.name),
        },
        body: row.payload,
        signal: AbortSignal.timeout(receiver.timeout),
      });
      const body = await readCapped(response, MAX_RESPONSE_BYTES);
      return FORMATS[receiver.type].rejected(response.status, body);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return cause ?? (error instanceof Error ? error.name + ': ' + error.message : String(error));
    }
  }
}

/** A receiver's reply is only read for its error code: the first bytes are enough, the rest is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= maxBytes) {
      await reader.cancel();
      break;
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}
