/**
 * The alerts store's index, changed in place: after any sequence of stream changes it holds what
 * the store used to compute by copying its whole map and filtering it on every change (every alert,
 * the open ones in the same order, counts by severity, firing), and it says when the open list moved.
 */
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type Alert, type AlertStatus, type Severity } from '../../../domain';
import { asNodeId } from '../../../domain';
import { AlertIndex } from '../../../console/web/src/lib/alert-index';

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    fingerprint: `fp-${id}`,
    rule: 'node-unreachable',
    severity: 'major',
    status: 'firing',
    summary: `${id} 不可达`,
    params: {},
    labels: {},
    node: asNodeId(`node-${id}`),
    nodePath: [],
    startsAtMs: 1,
    updatedAtMs: 1,
    resolvedAtMs: null,
    ack: null,
    impacted: [],
    suppressedBy: null,
    silencedBy: [],
    escalatedAtMs: null,
    repeats: 0,
    evidence: [],
    ...over,
  };
}

/** What the store computed before: a fresh map per change, the open alerts filtered from it. */
class CopyingModel {
  byId: ReadonlyMap<string, Alert> = new Map();
  replaceAll(alerts: Alert[]): void {
    this.byId = new Map(alerts.map((a) => [a.id, a]));
  }
  set(a: Alert): void {
    const next = new Map(this.byId);
    next.set(a.id, a);
    this.byId = next;
  }
  open(): Alert[] {
    return [...this.byId.values()].filter((a) => a.status !== 'resolved' && a.suppressedBy === null);
  }
  counts(): Record<Severity, number> {
    const open = this.open();
    return Object.fromEntries(
      SEVERITIES.map((s) => [s, open.filter((a) => a.severity === s).length]),
    ) as Record<Severity, number>;
  }
  firing(): number {
    return this.open().filter((a) => a.status === 'firing').length;
  }
}

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectSame(index: AlertIndex, model: CopyingModel): void {
  expect([...index.all.entries()]).toEqual([...model.byId.entries()]);
  expect(index.openAlerts().map((a) => a.id)).toEqual(model.open().map((a) => a.id));
  expect(index.openAlerts()).toEqual(model.open());
  expect(index.countsBySeverity()).toEqual(model.counts());
  expect(index.firingCount).toBe(model.firing());
}

describe('the alerts index', () => {
  it('matches the copying store over random stream changes, snapshots included', () => {
    const STATUSES: AlertStatus[] = ['firing', 'acknowledged', 'resolved'];
    for (const seed of [1, 2, 3, 42, 1234]) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const index = new AlertIndex();
      const model = new CopyingModel();
      let created = 0;
      for (let step = 0; step < 600; step++) {
        const roll = next();
        if (roll < 0.02) {
          // A resync: a fresh snapshot, with a duplicate id now and then.
          const snapshot = Array.from({ length: Math.floor(next() * 20) }, () =>
            alert(`a${Math.floor(next() * (created + 5))}`, { severity: pick(SEVERITIES) }),
          );
          index.replaceAll(snapshot);
          model.replaceAll(snapshot);
        } else {
          const id = roll < 0.35 || created === 0 ? `a${created++}` : `a${Math.floor(next() * created)}`;
          const changed = alert(id, {
            severity: pick(SEVERITIES),
            status: pick(STATUSES),
            suppressedBy: next() < 0.3 ? 'root' : null,
            updatedAtMs: step,
          });
          const openBefore = model.open();
          const moved = index.set(changed);
          model.set(changed);
          // It reports a change of the open list whenever that list is not the same as before.
          if (!moved) expect(model.open()).toEqual(openBefore);
        }
        expectSame(index, model);
      }
    }
  });

  it('keeps the open list in first-seen order when an older alert opens again among newer ones', () => {
    const index = new AlertIndex();
    index.set(alert('old', { suppressedBy: 'root' }));
    index.set(alert('mid'));
    index.set(alert('new'));
    expect(index.set(alert('old'))).toBe(true);
    expect(index.openAlerts().map((a) => a.id)).toEqual(['old', 'mid', 'new']);
    index.set(alert('new', { status: 'resolved' }));
    index.set(alert('latest'));
    expect(index.openAlerts().map((a) => a.id)).toEqual(['old', 'mid', 'latest']);
  });

  it('changes in place: the map is the same object, and suppressed churn leaves the open list alone', () => {
    const index = new AlertIndex();
    const all = index.all;
    index.set(alert('cause', { severity: 'critical' }));
    for (let i = 0; i < 50; i++)
      expect(index.set(alert(`behind-${i}`, { suppressedBy: 'cause', severity: 'major' }))).toBe(false);
    expect(index.all).toBe(all);
    expect(index.all.size).toBe(51);
    expect(index.openAlerts().map((a) => a.id)).toEqual(['cause']);
    expect(index.countsBySeverity()).toMatchObject({ critical: 1, major: 0 });
    // The cause resolves: the list moves; the suppressed ones resolving after it do not move it.
    expect(index.set(alert('cause', { severity: 'critical', status: 'resolved' }))).toBe(true);
    expect(index.set(alert('behind-0', { status: 'resolved', suppressedBy: 'cause' }))).toBe(false);
    expect(index.openAlerts()).toEqual([]);
    expect(index.firingCount).toBe(0);
  });

  it('counts acknowledged alerts by severity but not as firing', () => {
    const index = new AlertIndex();
    index.set(alert('a', { severity: 'minor' }));
    index.set(alert('a', { severity: 'minor', status: 'acknowledged' }));
    expect(index.firingCount).toBe(0);
    expect(index.countsBySeverity().minor).toBe(1);
    index.clear();
    expect(index.all.size).toBe(0);
    expect(index.countsBySeverity().minor).toBe(0);
  });
});
