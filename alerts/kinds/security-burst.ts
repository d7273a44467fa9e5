import {
  severityRank,
  type Alert,
  type AlertEvidence,
  type BusEvent,
  type NodeId,
  type Severity,
} from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, round, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { receivedAtMs, RecentTimes } from './recent-events';
import { ThrottledRepeats } from './throttled-repeats';

type BurstCategory = 'policy-deny' | 'attack';

interface Recent {
  denies: RecentTimes;
  attacks: RecentTimes;
}

/** What an open burst alert has counted since it opened. */
interface Totals {
  denies: number;
  attacks: number;
}

/**
 * A burst of firewall policy denies or attack/IPS logs on one node: `deny.count` denies or
 * `attack.count` attacks within `within` open one alert on the node, at the attack severity when
 * attacks reached their count (it rises if they do later). The counts since it opened are in params
 * and evidence, updated at most every 10 s. Memory per node: at most deny.count + attack.count times.
 * Never suppressed.
 */
class SecurityBurstKind implements RuleKind {
  readonly kind = 'security-burst';
  readonly events = ['security.event'] as const;
  private readonly recent = new Map<NodeId, Recent>();
  private readonly totals = new Map<string, Totals>();
  private readonly repeats: ThrottledRepeats;
  private nextPruneMs = 0;

  constructor(
    private readonly rule: RuleOf<'security-burst'>,
    private readonly ctx: EngineContext,
  ) {
    this.repeats = new ThrottledRepeats(ctx.alerts);
  }

  onEvent(busEvent: BusEvent): void {
    if (busEvent.type !== 'security.event') return;
    const { node, category } = busEvent.event;
    if (node === null || (category !== 'policy-deny' && category !== 'attack')) return;
    const atMs = receivedAtMs(busEvent);
    const recent = this.recentOf(node);
    (category === 'attack' ? recent.attacks : recent.denies).record(atMs);
    const attacking = recent.attacks.countWithin(atMs, this.rule.within) >= this.rule.attack.count;
    const denying = recent.denies.countWithin(atMs, this.rule.within) >= this.rule.deny.count;
    const fingerprint = fingerprintOf(this.rule.id, node);
    const open = this.ctx.alerts.find(fingerprint);
    if (open) return this.count(open, category, attacking || denying, attacking, atMs);
    if (!attacking && !denying) return;
    this.open(node, fingerprint, recent, attacking, atMs);
  }

  private recentOf(node: NodeId): Recent {
    let recent = this.recent.get(node);
    if (!recent) {
      recent = {
        denies: new RecentTimes(this.rule.deny.count),
        attacks: new RecentTimes(this.rule.attack.count),
      };
      this.recent.set(node, recent);
    }
    return recent;
  }

  private severityFor(attacking: boolean): Severity {
    const { deny, attack } = this.rule;
    if (!attacking) return deny.severity;
    return severityRank(attack.severity) <= severityRank(deny.severity) ? attack.severity : deny.severity;
  }

  private open(node: NodeId, fingerprint: string, recent: Recent, attacking: boolean, atMs: number): void {
    const totals = {
      denies: recent.denies.countWithin(atMs, this.rule.within),
      attacks: recent.attacks.countWithin(atMs, this.rule.within),
    };
    this.totals.set(fingerprint, totals);
    const params = this.paramsOf(node, totals);
    const alert = this.ctx.alerts.openAlert(
      {
        fingerprint,
        rule: this.rule.id,
        severity: this.severityFor(attacking),
        summary: SUMMARIES['security-burst'](params),
        params,
        labels: this.ctx.nodes.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: null,
        evidence: [this.countsEvidence(totals, atMs)],
      },
      atMs,
    );
    this.repeats.opened(alert, atMs);
  }

  /**
   * One more deny or attack while the alert is open: always counted, but only a node still over a
   * threshold keeps the alert from resolving (a trickle after the burst does not hold it open).
   */
  private count(alert: Alert, category: BurstCategory, bursting: boolean, attacking: boolean, atMs: number) {
    const totals = this.totalsOf(alert);
    if (category === 'attack') totals.attacks += 1;
    else totals.denies += 1;
    if (!bursting) return;
    const severity = this.severityFor(attacking);
    const rises = severityRank(severity) < severityRank(alert.severity);
    const node = alert.node as NodeId;
    const evidence = this.countsEvidence(totals, atMs);
    this.repeats.repeat(
      alert,
      evidence,
      atMs,
      () => {
        const params = this.paramsOf(node, totals);
        const patch: Partial<Alert> = { params, summary: SUMMARIES['security-burst'](params) };
        return rises ? { ...patch, severity } : patch;
      },
      rises,
    );
  }

  private totalsOf(alert: Alert): Totals {
    let totals = this.totals.get(alert.fingerprint);
    if (!totals) {
      totals = { denies: Number(alert.params.denies ?? 0), attacks: Number(alert.params.attacks ?? 0) };
      this.totals.set(alert.fingerprint, totals);
    }
    return totals;
  }

  private countsEvidence(totals: Totals, atMs: number): AlertEvidence {
    return evidenceOf('rule', atMs, 'security-counts', {
      attacks: totals.attacks,
      denies: totals.denies,
      withinMin: round(this.rule.within / 60_000),
      attackLimit: this.rule.attack.count,
      denyLimit: this.rule.deny.count,
    });
  }

  private paramsOf(node: NodeId, totals: Totals) {
    return { node, nodeName: this.ctx.nodes.nameOf(node), denies: totals.denies, attacks: totals.attacks };
  }

  onTick(nowMs: number): void {
    this.repeats.flush(nowMs);
    if (nowMs < this.nextPruneMs) return;
    this.nextPruneMs = nowMs + 10_000;
    for (const [node, recent] of this.recent) {
      const quiet =
        recent.denies.countWithin(nowMs, this.rule.within) === 0 &&
        recent.attacks.countWithin(nowMs, this.rule.within) === 0;
      if (quiet) this.recent.delete(node);
    }
    for (const fingerprint of this.totals.keys())
      if (!this.ctx.alerts.has(fingerprint)) this.totals.delete(fingerprint);
  }

  restoreAlert(alert: Alert): void {
    this.totalsOf(alert);
  }

  suppressorOf(): null {
    return null;
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const securityBurst: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'security-burst');
  return rule ? new SecurityBurstKind(rule, ctx) : null;
};
