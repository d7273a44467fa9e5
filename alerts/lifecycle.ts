import { randomBytes } from 'node:crypto';
import type { NodeInfo } from './node-info';
import type { AlertSettings } from './rules/schema';
import { matchesLabels, silenceActive } from './silences';
import { evidenceOf, round } from './summary';
import type { Alert, AlertChange, AlertChangeEvent, AlertEvidence, Silence } from '../domain';
import { MAX_EVIDENCE } from './alert-keys';

/**
 * Every alert's lifecycle, whatever its kind: open, repeat (same problem again while open), update,
 * resolve, silence, escalate. Each change is one event with the next seq, batched until the engine
 * commits (persists, then publishes) them.
 */

/** What a rule kind says about a new alert; the lifecycle adds id, status, times, silences and path. */
export type AlertDraft = Pick<
  Alert,
  'fingerprint' | 'rule' | 'severity' | 'summary' | 'params' | 'labels' | 'node' | 'impacted' | 'suppressedBy'
> & { evidence: AlertEvidence[] };

const kindField = (kind: string | null): { kind?: string } => (kind === null ? {} : { kind });

/** The same observation reported twice (a trap stashed early and again in the outage's own evidence) is listed once. */
function withoutRepeats(evidence: readonly AlertEvidence[]): AlertEvidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.atMs}|${e.source}|${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type CommittedBatch = Array<{ event: AlertChangeEvent; atMs: number }>;

export class AlertLifecycle {
  private readonly open = new Map<string, Alert>();
  private readonly byFingerprint = new Map<string, Alert>();
  private seq: number;
  private readonly ring: AlertChangeEvent[] = [];
  private batch: CommittedBatch = [];
  private silences: Silence[] = [];
  private readonly lastTrigger = new Map<string, number>();
  /** Evidence for an alert that arrived before it opened (an outage still settling): merged in when it opens. */
  private readonly earlyEvidence = new Map<string, AlertEvidence[]>();
  /** When a muted (suppressed or silenced) alert became visible: its escalation clock starts there. */
  private readonly unmutedAt = new Map<string, number>();
  private idCounter = 0;
  private readonly idSuffix = randomBytes(3).toString('hex');
  /** Set when outage alerts opened, resolved or moved under another root: other alerts' suppression is re-checked. */
  outagesChanged = true;

  constructor(
    private readonly options: {
      clock: () => number;
      settings: AlertSettings;
      nodes: NodeInfo;
      ringSize: number;
      lastSeq: number;
      isOutage: (alert: Alert) => boolean;
      /** The kind of a rule id: keys the alert's text in the shared table. */
      kindOf: (rule: string) => string | null;
    },
  ) {
    this.seq = options.lastSeq;
  }

  /** Open alerts from the store after a restart; the last trigger is the newest evidence (acks and silences add none). */
  restore(alerts: readonly Alert[], silences: Silence[]): void {
    this.silences = silences;
    for (const alert of alerts) {
      this.open.set(alert.id, alert);
      this.byFingerprint.set(alert.fingerprint, alert);
      this.lastTrigger.set(
        alert.fingerprint,
        Math.max(alert.startsAtMs, ...alert.evidence.map((e) => e.atMs)),
      );
    }
  }

  // ---------------------------------------------------------------- reading

  openAlerts(): Alert[] {
    return [...this.open.values()];
  }

  openCount(): number {
    return this.open.size;
  }

  openById(id: string): Alert | undefined {
    return this.open.get(id);
  }

  find(fingerprint: string): Alert | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  has(fingerprint: string): boolean {
    return this.byFingerprint.has(fingerprint);
  }

  lastTriggerMs(alert: Alert): number {
    return this.lastTrigger.get(alert.fingerprint) ?? alert.updatedAtMs;
  }

  currentSeq(): number {
    return this.seq;
  }

  /** Events after seq from the in-memory ring; null when the ring no longer reaches back that far. */
  ringSince(seq: number): AlertChangeEvent[] | null {
    const first = this.ring[0];
    if (!first || first.seq > seq + 1) return null;
    const from = this.ring.findIndex((event) => event.seq > seq);
    return from < 0 ? [] : this.ring.slice(from);
  }

  /** The changes since the last call, to persist and publish. */
  takeBatch(): CommittedBatch {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  pendingChanges(): number {
    return this.batch.length;
  }

  // ---------------------------------------------------------------- changing

  private emit(change: AlertChange, alert: Alert, actor: string, atMs: number): void {
    this.seq += 1;
    const event: AlertChangeEvent = { seq: this.seq, change, alert: { ...alert }, actor };
    this.batch.push({ event, atMs });
    this.ring.push(event);
    if (this.ring.length > this.options.ringSize * 2)
      this.ring.splice(0, this.ring.length - this.options.ringSize);
  }

  private silencedBy(labels: Record<string, string>, nowMs: number): string[] {
    if (this.silences.length === 0) return [];
    return this.silences
      .filter(
        (s) =>
          silenceActive(s, nowMs, this.options.settings.utcOffsetMin) && matchesLabels(s.matchers, labels),
      )
      .map((s) => s.id);
  }

  /** Weekly maintenance windows (recurring silences) open at atMs whose matchers match these labels. */
  maintenanceWindowsCovering(labels: Record<string, string>, atMs: number): string[] {
    const offset = this.options.settings.utcOffsetMin;
    return this.silences
      .filter(
        (s) =>
          s.recurrence !== undefined && silenceActive(s, atMs, offset) && matchesLabels(s.matchers, labels),
      )
      .map((s) => s.id);
  }

  openAlert(draft: AlertDraft, atMs: number): Alert {
    const labels = { ...draft.labels, rule: draft.rule, severity: draft.severity };
    const early = this.earlyEvidence.get(draft.fingerprint) ?? [];
    this.earlyEvidence.delete(draft.fingerprint);
    const alert: Alert = {
      id: this.newId(atMs),
      fingerprint: draft.fingerprint,
      rule: draft.rule,
      ...kindField(this.options.kindOf(draft.rule)),
      severity: draft.severity,
      status: 'firing',
      summary: draft.summary,
      params: draft.params,
      labels,
      node: draft.node,
      nodePath: draft.node === null ? [] : this.options.nodes.pathOf(draft.node),
      startsAtMs: atMs,
      updatedAtMs: atMs,
      resolvedAtMs: null,
      ack: null,
      impacted: draft.impacted,
      suppressedBy: draft.suppressedBy,
      silencedBy: this.silencedBy(labels, this.options.clock()),
      escalatedAtMs: null,
      repeats: early.length,
      evidence: withoutRepeats([...draft.evidence, ...early])
        .sort((a, b) => a.atMs - b.atMs)
        .slice(-MAX_EVIDENCE),
    };
    this.open.set(alert.id, alert);
    this.byFingerprint.set(alert.fingerprint, alert);
    this.lastTrigger.set(alert.fingerprint, atMs);
    if (this.options.isOutage(alert)) this.outagesChanged = true;
    this.emit('opened', alert, 'engine', atMs);
    return alert;
  }

  /**
   * The one way event-like kinds raise an alert: the same problem while it is open is a repeat (count
   * and evidence, plus `repeatPatch`), otherwise a new alert from `draft()` (only built when needed).
   */
  raise(
    fingerprint: string,
    evidence: AlertEvidence,
    atMs: number,
    draft: () => Omit<AlertDraft, 'fingerprint' | 'evidence'>,
    repeatPatch: Partial<Alert> = {},
  ): Alert {
    const open = this.byFingerprint.get(fingerprint);
    if (open) {
      this.repeat(open, evidence, atMs, repeatPatch);
      return open;
    }
    return this.openAlert({ ...draft(), fingerprint, evidence: [evidence] }, atMs);
  }

  /** Time-ordered, unique across restarts: <ms base36>-<counter>-<per-process random>. */
  private newId(atMs: number): string {
    this.idCounter = (this.idCounter + 1) % 1_679_616;
    return `${Math.max(0, atMs).toString(36).padStart(9, '0')}-${this.idCounter.toString(36).padStart(4, '0')}-${this.idSuffix}`;
  }

  /** Apply a change to an open alert and emit one `updated` event (no event when nothing changed). */
  update(alert: Alert, patch: Partial<Alert>, atMs: number, actor = 'engine'): void {
    let changed = false;
    for (const [key, value] of Object.entries(patch) as Array<[keyof Alert, Alert[keyof Alert]]>) {
      if (JSON.stringify(alert[key]) !== JSON.stringify(value)) changed = true;
    }
    if (!changed) return;
    const wasMuted = alert.suppressedBy !== null || alert.silencedBy.length > 0;
    if (patch.suppressedBy !== undefined && this.options.isOutage(alert)) this.outagesChanged = true;
    Object.assign(alert, patch, { updatedAtMs: atMs });
    if (wasMuted && alert.suppressedBy === null && alert.silencedBy.length === 0)
      this.unmutedAt.set(alert.id, atMs);
    if (patch.rule !== undefined) Object.assign(alert, kindField(this.options.kindOf(alert.rule)));
    if (patch.severity !== undefined || patch.rule !== undefined)
      alert.labels = { ...alert.labels, rule: alert.rule, severity: alert.severity };
    this.emit('updated', alert, actor, atMs);
  }

  /** The same problem triggered again while open: count it and keep the evidence (trap + poll merge here). */
  repeat(alert: Alert, evidence: AlertEvidence, atMs: number, extra: Partial<Alert> = {}): void {
    this.lastTrigger.set(alert.fingerprint, atMs);
    this.update(
      alert,
      {
        ...extra,
        repeats: alert.repeats + 1,
        evidence: withoutRepeats([...alert.evidence, evidence]).slice(-MAX_EVIDENCE),
      },
      atMs,
    );
  }

  resolve(alert: Alert, atMs: number, evidence: AlertEvidence | null, actor = 'engine'): void {
    alert.status = 'resolved';
    alert.resolvedAtMs = atMs;
    alert.updatedAtMs = atMs;
    if (evidence) alert.evidence = [...alert.evidence, evidence].slice(-MAX_EVIDENCE);
    this.open.delete(alert.id);
    this.unmutedAt.delete(alert.id);
    if (this.options.isOutage(alert)) this.outagesChanged = true;
    if (this.byFingerprint.get(alert.fingerprint) === alert) this.byFingerprint.delete(alert.fingerprint);
    this.lastTrigger.delete(alert.fingerprint);
    this.emit('resolved', alert, actor, atMs);
  }

  // ---------------------------------------------------------------- evidence before an alert opens

  stashEarlyEvidence(fingerprint: string, evidence: AlertEvidence): void {
    this.earlyEvidence.set(
      fingerprint,
      [...(this.earlyEvidence.get(fingerprint) ?? []), evidence].slice(-MAX_EVIDENCE),
    );
  }

  /** Forget early evidence for alerts that are no longer about to open. */
  keepEarlyEvidenceFor(fingerprints: () => ReadonlySet<string>): void {
    if (this.earlyEvidence.size === 0) return;
    const keep = fingerprints();
    for (const fingerprint of this.earlyEvidence.keys())
      if (!keep.has(fingerprint)) this.earlyEvidence.delete(fingerprint);
  }

  // ---------------------------------------------------------------- time-driven

  /** Event-like alerts (reboot, auth failure, certificate) resolve after `resolveAfterMs(rule)` without a new trigger. */
  expireQuiet(nowMs: number, resolveAfterMs: (rule: string) => number | null): void {
    for (const alert of [...this.open.values()]) {
      const afterMs = resolveAfterMs(alert.rule);
      if (afterMs === null) continue;
      if (nowMs - this.lastTriggerMs(alert) >= afterMs)
        this.resolve(
          alert,
          nowMs,
          evidenceOf('rule', nowMs, 'auto-resolved', { minutes: round(afterMs / 60_000) }),
        );
    }
  }

  setSilences(silences: Silence[]): void {
    this.silences = silences;
  }

  refreshSilences(nowMs: number, actor = 'engine'): void {
    for (const alert of this.open.values()) {
      const silencedBy = this.silencedBy(alert.labels, nowMs);
      if (silencedBy.join(',') !== alert.silencedBy.join(','))
        this.update(alert, { silencedBy }, nowMs, actor);
    }
  }

  /** An unacknowledged, unmuted critical alert escalates after `escalation.after` (from when it became visible). */
  escalate(nowMs: number): void {
    const afterMs = this.options.settings.escalation.after;
    for (const alert of this.open.values()) {
      if (alert.status !== 'firing' || alert.severity !== 'critical' || alert.escalatedAtMs !== null)
        continue;
      if (alert.suppressedBy !== null || alert.silencedBy.length > 0) continue;
      if (nowMs - Math.max(alert.startsAtMs, this.unmutedAt.get(alert.id) ?? 0) < afterMs) continue;
      this.update(
        alert,
        {
          escalatedAtMs: nowMs,
          evidence: [
            ...alert.evidence,
            evidenceOf('rule', nowMs, 'escalated', { minutes: round(afterMs / 60_000) }),
          ].slice(-MAX_EVIDENCE),
        },
        nowMs,
      );
    }
  }
}
