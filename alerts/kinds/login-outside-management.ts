import type { Alert, BusEvent, NodeId } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { SubnetSet } from '../subnets';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { clipped, receivedAtMs, RecentNames, textField } from './recent-events';
import { ThrottledRepeats } from './throttled-repeats';

/**
 * A successful login whose source address is outside `managementSubnets`: one alert per node and
 * source naming the users; more logins from there update it. A login line without a source address
 * (console port, local) or with a source that is not an IP address is not judged. Never suppressed.
 */
class LoginOutsideManagementKind implements RuleKind {
  readonly kind = 'login-outside-management';
  readonly events = ['security.event'] as const;
  private readonly subnets: SubnetSet;
  private readonly users = new Map<string, RecentNames>();
  private readonly repeats: ThrottledRepeats;

  constructor(
    private readonly rule: RuleOf<'login-outside-management'>,
    private readonly ctx: EngineContext,
  ) {
    this.subnets = new SubnetSet(rule.managementSubnets);
    this.repeats = new ThrottledRepeats(ctx.alerts);
  }

  onEvent(busEvent: BusEvent): void {
    if (busEvent.type !== 'security.event') return;
    const { node, category } = busEvent.event;
    const sourceAddress = textField(busEvent.event.sourceAddress);
    if (category !== 'auth-success' || node === null || sourceAddress === null) return;
    if (this.subnets.classify(sourceAddress) !== 'outside') return;
    const atMs = receivedAtMs(busEvent);
    const source = clipped(sourceAddress);
    const name = clipped(textField(busEvent.event.user) ?? '?');
    const fingerprint = fingerprintOf(this.rule.id, node, source);
    const evidence = evidenceOf('rule', atMs, 'login-outside', { user: name, source });
    const open = this.ctx.alerts.find(fingerprint);
    if (open) {
      const users = this.usersOf(open);
      users.add(name);
      this.repeats.repeat(open, evidence, atMs, () => this.patchOf(node, source, users));
      return;
    }
    const users = new RecentNames(8, [name]);
    this.users.set(fingerprint, users);
    const params = this.paramsOf(node, source, users);
    const alert = this.ctx.alerts.openAlert(
      {
        fingerprint,
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['login-outside-management'](params),
        params,
        labels: { ...this.ctx.nodes.labelsOf(node), source },
        node,
        impacted: [],
        suppressedBy: null,
        evidence: [evidence],
      },
      atMs,
    );
    this.repeats.opened(alert, atMs);
  }

  private usersOf(alert: Alert): RecentNames {
    let users = this.users.get(alert.fingerprint);
    if (!users) {
      users = RecentNames.parse(String(alert.params.users ?? ''));
      this.users.set(alert.fingerprint, users);
    }
    return users;
  }

  private paramsOf(node: NodeId, source: string, users: RecentNames) {
    return { node, nodeName: this.ctx.nodes.nameOf(node), source, users: users.toString() };
  }

  private patchOf(node: NodeId, source: string, users: RecentNames): Partial<Alert> {
    const params = this.paramsOf(node, source, users);
    return { params, summary: SUMMARIES['login-outside-management'](params) };
  }

  onTick(nowMs: number): void {
    this.repeats.flush(nowMs);
    for (const fingerprint of this.users.keys())
      if (!this.ctx.alerts.has(fingerprint)) this.users.delete(fingerprint);
  }

  restoreAlert(alert: Alert): void {
    this.usersOf(alert);
  }

  suppressorOf(): null {
    return null;
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const loginOutsideManagement: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'login-outside-management');
  return rule ? new LoginOutsideManagementKind(rule, ctx) : null;
};
