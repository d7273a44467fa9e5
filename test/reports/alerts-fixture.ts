/**
 * Security alerts of a month in a real alert-engine state file, with acknowledgements at known
 * delays, so the time-to-acknowledge figures can be worked out by hand.
 */
import { AlertStore } from '../../alerts/store';
import { asNodeId, type Alert, type Severity } from '../../domain';

const MINUTE_MS = 60_000;

function alertOf(
  id: string,
  rule: string,
  node: string | null,
  startsAtMs: number,
  severity: Severity,
): Alert {
  return {
    id,
    fingerprint: `${rule}:${node ?? '-'}:${id}`,
    rule,
    kind: rule,
    severity,
    status: 'resolved',
    summary: `${rule} 告警 ${id}`,
    params: {},
    labels: { rule, ...(node === null ? {} : { node }) },
    node: node === null ? null : asNodeId(node),
    nodePath: [],
    startsAtMs,
    updatedAtMs: startsAtMs,
    resolvedAtMs: startsAtMs + 60 * MINUTE_MS,
    ack: null,
    impacted: [],
    suppressedBy: null,
    silencedBy: [],
    escalatedAtMs: null,
    repeats: 0,
    evidence: [],
  };
}

export interface AlertsFixture {
  /** [id, rule, node, minutes after the month start, minutes to the first ack or null]. */
  alerts: Array<[string, string, string | null, number, number | null]>;
}

/**
 * brute-force on a-town (county A): 4 alerts acked after 2, 10, 4 and 30 min; brute-force on b-gw:
 * one acked after 6 min, one never (still open); security-burst on an unknown node: never acked;
 * a node-unreachable alert (not security) and a brute-force alert the month before: not counted.
 */
export const ALERTS_FIXTURE: AlertsFixture = {
  alerts: [
    ['bf-1', 'brute-force', 'a-town', 60, 2],
    ['bf-2', 'brute-force', 'a-town', 600, 10],
    ['bf-3', 'brute-force', 'a-dept', 1200, 4],
    ['bf-4', 'brute-force', 'a-gw', 5000, 30],
    ['bf-5', 'brute-force', 'b-gw', 7000, 6],
    ['bf-6', 'brute-force', 'b-town', 9000, null],
    ['burst-1', 'security-burst', null, 3000, null],
    ['down-1', 'node-unreachable', 'a-gw', 100, 1],
    ['bf-old', 'brute-force', 'a-gw', -600, 1],
  ],
};

export function writeAlerts(
  path: string,
  monthStartMs: number,
  fixture: AlertsFixture = ALERTS_FIXTURE,
): void {
  const store = new AlertStore(path);
  let seq = store.lastSeq();
  for (const [id, rule, node, startMin, ackMin] of fixture.alerts) {
    const startsAtMs = monthStartMs + startMin * MINUTE_MS;
    const alert = alertOf(id, rule, node, startsAtMs, rule === 'brute-force' ? 'critical' : 'major');
    if (id === 'bf-6') Object.assign(alert, { status: 'firing', resolvedAtMs: null });
    seq += 1;
    store.record([{ event: { seq, change: 'opened', alert, actor: 'engine' }, atMs: startsAtMs }]);
    if (ackMin !== null) {
      const atMs = startsAtMs + ackMin * MINUTE_MS;
      store.recordAck({ alertId: id, action: 'ack', actor: 'duty-op', atMs, comment: '处理中' });
      // An unack and a second ack later do not move the time to acknowledge.
      store.recordAck({
        alertId: id,
        action: 'unack',
        actor: 'duty-op',
        atMs: atMs + MINUTE_MS,
        comment: '',
      });
      store.recordAck({
        alertId: id,
        action: 'ack',
        actor: 'duty-op',
        atMs: atMs + 2 * MINUTE_MS,
        comment: '',
      });
    }
  }
  store.close();
}
