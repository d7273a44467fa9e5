import Database from 'better-sqlite3';
import type { Alert, Silence } from '../domain';

/**
 * Reading the alert engine's state file from outside the engine (the monthly report, run by
 * `egov-noc report` or by `serve`'s schedule): opened read-only, so the running engine stays its
 * only writer. The table layout stays private to alerts/.
 */

/** Rule kinds about the network's security (device logs, SNMP authentication, the 三网 boundary). */
export const SECURITY_ALERT_KINDS: readonly string[] = [
  'brute-force',
  'login-outside-management',
  'config-change-outside-window',
  'security-burst',
  'logs-silent',
  'snmp-auth-failure',
  'isolation-breach',
];

export interface ArchivedAlert {
  alert: Alert;
  /** The first acknowledgement (an unack and a later ack do not move it); null when never acked. */
  firstAck: { by: string; atMs: number; comment: string } | null;
}

function openReadOnly(alertsDbPath: string): Database.Database {
  const db = new Database(alertsDbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Maintenance windows and planned work: the silences not deleted. */
export function readSilences(alertsDbPath: string): Silence[] {
  const db = openReadOnly(alertsDbPath);
  try {
    return db
      .prepare<[], { body: string }>('SELECT body FROM silences WHERE deleted_at IS NULL')
      .all()
      .map((row) => JSON.parse(row.body) as Silence);
  } finally {
    db.close();
  }
}

const kindOf = (alert: Alert): string => alert.kind ?? alert.rule;

/**
 * Alerts that overlap [fromMs, toMs) and were acknowledged as planned work (the monthly report counts
 * those outages as maintenance). The LIKE only narrows what is parsed; the flag itself is checked.
 */
export function readPlannedWorkAlerts(alertsDbPath: string, fromMs: number, toMs: number): Alert[] {
  const db = openReadOnly(alertsDbPath);
  try {
    return db
      .prepare<[number, number], { body: string }>(
        `SELECT body FROM alerts WHERE starts_at < ? AND (resolved_at IS NULL OR resolved_at >= ?)
           AND body LIKE '%"planned":true%' ORDER BY starts_at, id`,
      )
      .all(toMs, fromMs)
      .map((row) => JSON.parse(row.body) as Alert)
      .filter((alert) => alert.ack?.planned === true);
  } finally {
    db.close();
  }
}

/**
 * Security alerts that started in [fromMs, toMs), oldest first, each with its first acknowledgement.
 * Alerts stored before rules carried their kind are judged by their rule id.
 */
export function readSecurityAlerts(alertsDbPath: string, fromMs: number, toMs: number): ArchivedAlert[] {
  const db = openReadOnly(alertsDbPath);
  try {
    const security = new Set(SECURITY_ALERT_KINDS);
    const alerts = db
      .prepare<[number, number], { body: string }>(
        'SELECT body FROM alerts WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at, id',
      )
      .all(fromMs, toMs)
      .map((row) => JSON.parse(row.body) as Alert)
      .filter((alert) => security.has(kindOf(alert)));
    const firstAck = db.prepare<[string], { actor: string; at_ms: number; comment: string }>(
      "SELECT actor, at_ms, comment FROM acks WHERE alert_id = ? AND action = 'ack' ORDER BY at_ms, id LIMIT 1",
    );
    return alerts.map((alert) => {
      const ack = firstAck.get(alert.id);
      return {
        alert,
        firstAck: ack === undefined ? null : { by: ack.actor, atMs: ack.at_ms, comment: ack.comment },
      };
    });
  } finally {
    db.close();
  }
}
