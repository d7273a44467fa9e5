import type Database from 'better-sqlite3';
import { migrate, openPrivateDatabase } from '../common/index';
import { ALERT_STORE_MIGRATIONS } from './store-schema';
import type { Alert, AlertChangeEvent, Silence } from '../domain';

/**
 * The alert engine's StateStore: embedded SQLite (WAL). Alerts (current copy of each occurrence),
 * the change events (history and stream resume, ordered by seq), acknowledgements, silences, the
 * notification outbox and a little engine state.
 */

export interface OutboxRow {
  id: number;
  dedupKey: string;
  receiver: string;
  alertId: string;
  kind: string;
  payload: string;
  attempts: number;
  nextAttemptMs: number;
  status: 'pending' | 'delivered';
  lastError: string | null;
  createdMs: number;
  deliveredMs: number | null;
}

interface RawOutboxRow {
  id: number;
  dedup_key: string;
  receiver: string;
  alert_id: string;
  kind: string;
  payload: string;
  attempts: number;
  next_attempt_ms: number;
  status: 'pending' | 'delivered';
  last_error: string | null;
  created_ms: number;
  delivered_ms: number | null;
}

const toOutbox = (row: RawOutboxRow): OutboxRow => ({
  id: row.id,
  dedupKey: row.dedup_key,
  receiver: row.receiver,
  alertId: row.alert_id,
  kind: row.kind,
  payload: row.payload,
  attempts: row.attempts,
  nextAttemptMs: row.next_attempt_ms,
  status: row.status,
  lastError: row.last_error,
  createdMs: row.created_ms,
  deliveredMs: row.delivered_ms,
});

export interface AckRecord {
  alertId: string;
  action: 'ack' | 'unack';
  actor: string;
  atMs: number;
  comment: string;
}

export class AlertStore {
  private readonly db: Database.Database;
  private readonly statements;
  /** Built once: one transaction per engine step (alert copies, change events, the seq). */
  private readonly recordTx: (changes: ReadonlyArray<{ event: AlertChangeEvent; atMs: number }>) => void;

  constructor(path: string) {
    // Alerts, acks and silences name people and the network's weak spots: owner-only (0700 folder, 0600 files).
    this.db = openPrivateDatabase(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // An outage storm writes thousands of alerts in one transaction: keep the pages in memory.
    this.db.pragma('cache_size = -32768');
    // Checkpoints copy the WAL into the database and fsync: the engine runs them from its timer
    // (checkpoint()), never inside the commit of an alert change, so they stay off the trap → alert path.
    this.db.pragma('wal_autocheckpoint = 0');
    migrate(this.db, `alert store ${path}`, ALERT_STORE_MIGRATIONS);
    const db = this.db;
    this.statements = {
      upsertAlert: db.prepare(
        `INSERT INTO alerts (id, fingerprint, status, node, starts_at, resolved_at, body) VALUES (@id, @fingerprint, @status, @node, @startsAt, @resolvedAt, @body)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, resolved_at = excluded.resolved_at, body = excluded.body`,
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (seq, at_ms, change, actor, alert_id, body) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      openAlerts: db.prepare<[], { body: string }>("SELECT body FROM alerts WHERE status != 'resolved'"),
      alertById: db.prepare<[string], { body: string }>('SELECT body FROM alerts WHERE id = ?'),
      resolvedRecent: db.prepare<[number], { body: string }>(
        "SELECT body FROM alerts WHERE status = 'resolved' ORDER BY resolved_at DESC LIMIT ?",
      ),
      history: db.prepare<[number, number, number], { body: string }>(
        'SELECT body FROM alerts WHERE starts_at <= ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY starts_at DESC LIMIT ?',
      ),
      eventsAfter: db.prepare<[number, number], { body: string }>(
        'SELECT body FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      minEventSeq: db.prepare<[], { seq: number | null }>('SELECT MIN(seq) AS seq FROM events'),
      pruneEvents: db.prepare('DELETE FROM events WHERE at_ms < ?'),
      insertAck: db.prepare(
        'INSERT INTO acks (alert_id, action, actor, at_ms, comment) VALUES (?, ?, ?, ?, ?)',
      ),
      acksOf: db.prepare<
        [string],
        { alert_id: string; action: 'ack' | 'unack'; actor: string; at_ms: number; comment: string }
      >('SELECT alert_id, action, actor, at_ms, comment FROM acks WHERE alert_id = ? ORDER BY id'),
      upsertSilence: db.prepare(
        'INSERT INTO silences (id, body, deleted_at) VALUES (?, ?, NULL) ON CONFLICT(id) DO UPDATE SET body = excluded.body',
      ),
      deleteSilence: db.prepare('UPDATE silences SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
      liveSilences: db.prepare<[], { body: string }>('SELECT body FROM silences WHERE deleted_at IS NULL'),
      enqueue: db.prepare(
        `INSERT OR IGNORE INTO outbox (dedup_key, receiver, alert_id, kind, payload, next_attempt_ms, created_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      outboxHas: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE dedup_key = ?'),
      due: db.prepare<[number, number], RawOutboxRow>(
        "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?",
      ),
      nextDue: db.prepare<[], { at: number | null }>(
        "SELECT MIN(next_attempt_ms) AS at FROM outbox WHERE status = 'pending'",
      ),
      delivered: db.prepare(
        "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_ms = ?, last_error = NULL WHERE id = ?",
      ),
      failed: db.prepare(
        'UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?',
      ),
      allOutbox: db.prepare<[], RawOutboxRow>('SELECT * FROM outbox ORDER BY id'),
      handledHas: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM handled_events WHERE id = ?'),
      handledInsert: db.prepare('INSERT OR IGNORE INTO handled_events (id, at_ms) VALUES (?, ?)'),
      handledPrune: db.prepare('DELETE FROM handled_events WHERE at_ms < ?'),
    };
    this.recordTx = db.transaction((changes: ReadonlyArray<{ event: AlertChangeEvent; atMs: number }>) => {
      const latest = new Map<string, { alert: Alert; body: string }>();
      for (const { event, atMs } of changes) {
        // One serialization of the alert serves both the event row and the alert row.
        const alertJson = JSON.stringify(event.alert);
        const body = `{"seq":${event.seq},"change":${JSON.stringify(event.change)},"actor":${JSON.stringify(event.actor)},"alert":${alertJson}}`;
        this.statements.insertEvent.run(event.seq, atMs, event.change, event.actor, event.alert.id, body);
        latest.set(event.alert.id, { alert: event.alert, body: alertJson });
      }
      for (const { alert, body } of latest.values()) this.upsertAlert(alert, body);
      const last = changes.at(-1);
      if (last) this.statements.setMeta.run('seq', String(last.event.seq));
    });
  }

  /** Run `step` in one transaction: the engine's writes of one step commit together, or none does. */
  transaction(step: () => void): void {
    this.db.transaction(step)();
  }

  /** Whether a bus event id is among those the engine handled (committed with their effects). */
  hasHandled(id: string): boolean {
    return this.statements.handledHas.get(id) !== undefined;
  }

  recordHandled(ids: ReadonlyArray<{ id: string; atMs: number }>): void {
    for (const { id, atMs } of ids) this.statements.handledInsert.run(id, atMs);
  }

  pruneHandledBefore(atMs: number): number {
    return this.statements.handledPrune.run(atMs).changes;
  }

  /** Write alert copies and their change events atomically (one transaction per engine step). */
  readonly record = (changes: ReadonlyArray<{ event: AlertChangeEvent; atMs: number }>): void => {
    if (changes.length === 0) return;
    this.recordTx(changes);
  };

  private upsertAlert(alert: Alert, body: string): void {
    this.statements.upsertAlert.run({
      id: alert.id,
      fingerprint: alert.fingerprint,
      status: alert.status,
      node: alert.node,
      startsAt: alert.startsAtMs,
      resolvedAt: alert.resolvedAtMs,
      body,
    });
  }

  lastSeq(): number {
    const row = this.statements.getMeta.get('seq');
    return row ? Number(row.value) : 0;
  }

  getMeta(key: string): string | null {
    return this.statements.getMeta.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  openAlerts(): Alert[] {
    return this.statements.openAlerts.all().map((row) => JSON.parse(row.body) as Alert);
  }

  alert(id: string): Alert | null {
    const row = this.statements.alertById.get(id);
    return row ? (JSON.parse(row.body) as Alert) : null;
  }

  recentResolved(limit: number): Alert[] {
    return this.statements.resolvedRecent.all(limit).map((row) => JSON.parse(row.body) as Alert);
  }

  /** Alerts that were open at some point in [fromMs, toMs], newest first. */
  history(fromMs: number, toMs: number, limit: number): Alert[] {
    return this.statements.history.all(toMs, fromMs, limit).map((row) => JSON.parse(row.body) as Alert);
  }

  /** Events after seq (at most max), or 'too-old' when seq + 1 has been pruned. */
  eventsAfter(seq: number, max: number): AlertChangeEvent[] | 'too-old' {
    const min = this.statements.minEventSeq.get()?.seq ?? null;
    if (min === null || min > seq + 1) return 'too-old';
    return this.statements.eventsAfter.all(seq, max).map((row) => JSON.parse(row.body) as AlertChangeEvent);
  }

  pruneEventsBefore(atMs: number): number {
    return this.statements.pruneEvents.run(atMs).changes;
  }

  recordAck(record: AckRecord): void {
    this.statements.insertAck.run(record.alertId, record.action, record.actor, record.atMs, record.comment);
  }

  acksOf(alertId: string): AckRecord[] {
    return this.statements.acksOf.all(alertId).map((row) => ({
      alertId: row.alert_id,
      action: row.action,
      actor: row.actor,
      atMs: row.at_ms,
      comment: row.comment,
    }));
  }

  saveSilence(silence: Silence): void {
    this.statements.upsertSilence.run(silence.id, JSON.stringify(silence));
  }

  deleteSilence(id: string, atMs: number): boolean {
    return this.statements.deleteSilence.run(atMs, id).changes > 0;
  }

  silences(): Silence[] {
    return this.statements.liveSilences.all().map((row) => JSON.parse(row.body) as Silence);
  }

  /** Queue a notification; a dedup key already queued (before a restart, too) is ignored. Returns whether it was new. */
  enqueue(item: {
    dedupKey: string;
    receiver: string;
    alertId: string;
    kind: string;
    payload: string;
    atMs: number;
  }): boolean {
    return (
      this.statements.enqueue.run(
        item.dedupKey,
        item.receiver,
        item.alertId,
        item.kind,
        item.payload,
        item.atMs,
        item.atMs,
      ).changes > 0
    );
  }

  outboxHas(dedupKey: string): boolean {
    return (this.statements.outboxHas.get(dedupKey)?.n ?? 0) > 0;
  }

  dueOutbox(nowMs: number, limit: number): OutboxRow[] {
    return this.statements.due.all(nowMs, limit).map(toOutbox);
  }

  nextOutboxDueMs(): number | null {
    return this.statements.nextDue.get()?.at ?? null;
  }

  markDelivered(id: number, atMs: number): void {
    this.statements.delivered.run(atMs, id);
  }

  markFailed(id: number, nextAttemptMs: number, error: string): void {
    this.statements.failed.run(nextAttemptMs, error, id);
  }

  outbox(): OutboxRow[] {
    return this.statements.allOutbox.all().map(toOutbox);
  }

  /** Move the WAL into the database file (PASSIVE: never waits for readers). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  close(): void {
    this.db.close();
  }
}
