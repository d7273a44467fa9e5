import type { Alert, BusEvent, NodeId, SecurityEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, round, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { clipped, LruMap, receivedAtMs, RecentNames, RecentTimes, textField } from './recent-events';
import { ThrottledRepeats } from './throttled-repeats';

/** Source of a failed login whose line named none. */
export const UNKNOWN_SOURCE = '未知来源';
const PRUNE_EVERY_MS = 10_000;
/** Sources counted over all nodes at once (each node also keeps at most the rule's maxSources). */
export const MAX_TRACKED_SOURCES = 100_000;

/** What an open brute-force alert has counted so far (kept only while the alert is open). */
interface Tally {
  count: number;
  users: RecentNames;
}

/** Recent failures of one source on one node, before there is an alert. */
interface Attempts {
  times: RecentTimes;
  users: RecentNames;
}

/**
 * Repeated login failures from one source address on one node: `failures` within `within` open one
 * alert on the node naming the source, the users tried and the count; more failures update it (at
 * most every 10 s), and it resolves after `resolveAfter` without one. Memory: per node at most
 * `maxSources` sources and MAX_TRACKED_SOURCES over all nodes (least recently seen forgotten first),
 * each with at most `failures` times and 8 user names.
 * Never suppressed by an outage: an attack matters whatever else is down.
 */
class BruteForceKind implements RuleKind {
  readonly kind = 'brute-force';
  readonly events = ['security.event'] as const;
  private readonly attempts = new Map<NodeId, LruMap<string, Attempts>>();
  /** Every (node, source) counted, least recently seen first: the bound over all nodes. */
  private readonly everywhere = new LruMap<string, [NodeId, string]>(
    MAX_TRACKED_SOURCES,
    (_key, [node, source]) => this.attempts.get(node)?.delete(source),
  );
  private readonly tallies = new Map<string, Tally>();
  private readonly repeats: ThrottledRepeats;
  private nextPruneMs = 0;

  constructor(
    private readonly rule: RuleOf<'brute-force'>,
    private readonly ctx: EngineContext,
  ) {
    this.repeats = new ThrottledRepeats(ctx.alerts);
  }

  onEvent(busEvent: BusEvent): void {
    if (busEvent.type !== 'security.event') return;
    const event = busEvent.event;
    if (event.category !== 'auth-failure' || event.node === null) return;
    const atMs = receivedAtMs(busEvent);
    const source = clipped(textField(event.sourceAddress) ?? UNKNOWN_SOURCE);
    const user = clipped(textField(event.user) ?? '?');
    const fingerprint = fingerprintOf(this.rule.id, event.node, source);
    const open = this.ctx.alerts.find(fingerprint);
    if (open) return this.count(open, this.tallyOf(open), user, event, atMs);
    const node = event.node;
    const attempts = this.sourcesOf(node).use(source, () => ({
      times: new RecentTimes(this.rule.failures),
      users: new RecentNames(),
    }));
    this.everywhere.use(trackedKey(node, source), () => [node, source]);
    attempts.times.record(atMs);
    attempts.users.add(user);
    const recent = attempts.times.countWithin(atMs, this.rule.within);
    if (recent >= this.rule.failures) this.open(node, source, attempts, user, event, atMs);
  }

  private sourcesOf(node: NodeId): LruMap<string, Attempts> {
    let sources = this.attempts.get(node);
    if (!sources) {
      sources = new LruMap(this.rule.maxSources, (source) =>
        this.everywhere.delete(trackedKey(node, source)),
      );
      this.attempts.set(node, sources);
    }
    return sources;
  }

  private open(
    node: NodeId,
    source: string,
    attempts: Attempts,
    user: string,
    event: SecurityEvent,
    atMs: number,
  ): void {
    const count = attempts.times.countWithin(atMs, this.rule.within);
    const tally: Tally = { count, users: attempts.users };
    const fingerprint = fingerprintOf(this.rule.id, node, source);
    this.tallies.set(fingerprint, tally);
    this.sourcesOf(node).delete(source);
    this.everywhere.delete(trackedKey(node, source));
    const params = this.paramsOf(node, source, tally);
    const alert = this.ctx.alerts.openAlert(
      {
        fingerprint,
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['brute-force'](params),
        params,
        labels: { ...this.ctx.nodes.labelsOf(node), source },
        node,
        impacted: [],
        suppressedBy: null,
        evidence: [
          evidenceOf('rule', atMs, 'login-failures', {
            withinMin: round(this.rule.within / 60_000),
            count,
            user,
            messageId: via(event),
          }),
        ],
      },
      atMs,
    );
    this.repeats.opened(alert, atMs);
  }

  private count(alert: Alert, tally: Tally, user: string, event: SecurityEvent, atMs: number): void {
    tally.count += 1;
    tally.users.add(user);
    const node = alert.node as NodeId;
    const source = alert.labels.source ?? UNKNOWN_SOURCE;
    const evidence = evidenceOf('rule', atMs, 'login-failure', {
      count: tally.count,
      user,
      messageId: via(event),
    });
    this.repeats.repeat(alert, evidence, atMs, () => {
      const params = this.paramsOf(node, source, tally);
      return { params, summary: SUMMARIES['brute-force'](params) };
    });
  }

  private paramsOf(node: NodeId, source: string, tally: Tally) {
    return {
      node,
      nodeName: this.ctx.nodes.nameOf(node),
      source,
      count: tally.count,
      users: tally.users.toString(),
      withinMin: round(this.rule.within / 60_000),
    };
  }

  onTick(nowMs: number): void {
    this.repeats.flush(nowMs);
    if (nowMs < this.nextPruneMs) return;
    this.nextPruneMs = nowMs + PRUNE_EVERY_MS;
    for (const [node, sources] of this.attempts) {
      sources.prune((attempts) => attempts.times.countWithin(nowMs, this.rule.within) === 0);
      if (sources.size === 0) this.attempts.delete(node);
    }
    this.everywhere.prune(([node, source]) => this.attempts.get(node)?.has(source) !== true);
    for (const fingerprint of this.tallies.keys())
      if (!this.ctx.alerts.has(fingerprint)) this.tallies.delete(fingerprint);
  }

  /** After a restart the open alert keeps counting from where it was. */
  restoreAlert(alert: Alert): void {
    this.tallyOf(alert);
  }

  private tallyOf(alert: Alert): Tally {
    let tally = this.tallies.get(alert.fingerprint);
    if (!tally) {
      tally = {
        count: Number(alert.params.count ?? 0),
        users: RecentNames.parse(String(alert.params.users ?? '')),
      };
      this.tallies.set(alert.fingerprint, tally);
    }
    return tally;
  }

  suppressorOf(): null {
    return null;
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

const trackedKey = (node: NodeId, source: string): string => `${node}\u0000${source}`;

/** The log line's message id (the table brackets it), or '' without one. */
function via(event: SecurityEvent): string {
  const messageId = textField(event.messageId);
  return messageId ? clipped(messageId) : '';
}

export const bruteForce: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'brute-force');
  return rule ? new BruteForceKind(rule, ctx) : null;
};
