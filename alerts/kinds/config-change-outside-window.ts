import type { Alert, BusEvent, NodeId } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { clipped, receivedAtMs, RecentNames, textField } from './recent-events';
import { ThrottledRepeats } from './throttled-repeats';

interface Changes {
  count: number;
  users: RecentNames;
}

/**
 * A configuration change on a node while no maintenance window covers it. A maintenance window is a
 * weekly recurring silence (the console's 维护窗口) whose matchers match the node's labels (node,
 * tier, zone, role, path) at the time of the change; one-off silences only mute, they do not make a
 * change planned. One alert per node naming the users and counting the changes; more changes update
 * it. Never suppressed.
 */
class ConfigChangeOutsideWindowKind implements RuleKind {
  readonly kind = 'config-change-outside-window';
  readonly events = ['security.event'] as const;
  private readonly changes = new Map<string, Changes>();
  private readonly repeats: ThrottledRepeats;

  constructor(
    private readonly rule: RuleOf<'config-change-outside-window'>,
    private readonly ctx: EngineContext,
  ) {
    this.repeats = new ThrottledRepeats(ctx.alerts);
  }

  onEvent(busEvent: BusEvent): void {
    if (busEvent.type !== 'security.event') return;
    const { node, category } = busEvent.event;
    if (category !== 'config-change' || node === null) return;
    const atMs = receivedAtMs(busEvent);
    const labels = this.ctx.nodes.labelsOf(node);
    if (this.ctx.alerts.maintenanceWindowsCovering(labels, atMs).length > 0) return;
    const name = clipped(textField(busEvent.event.user) ?? '?');
    const sourceAddress = textField(busEvent.event.sourceAddress);
    const evidence =
      sourceAddress === null
        ? evidenceOf('rule', atMs, 'config-change', { user: name })
        : evidenceOf('rule', atMs, 'config-change-from', { user: name, source: clipped(sourceAddress) });
    const fingerprint = fingerprintOf(this.rule.id, node);
    const open = this.ctx.alerts.find(fingerprint);
    if (open) {
      const changes = this.changesOf(open);
      changes.count += 1;
      changes.users.add(name);
      this.repeats.repeat(open, evidence, atMs, () => this.patchOf(node, changes));
      return;
    }
    const changes = { count: 1, users: new RecentNames(8, [name]) };
    this.changes.set(fingerprint, changes);
    const params = this.paramsOf(node, changes);
    const alert = this.ctx.alerts.openAlert(
      {
        fingerprint,
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['config-change-outside-window'](params),
        params,
        labels,
        node,
        impacted: [],
        suppressedBy: null,
        evidence: [evidence],
      },
      atMs,
    );
    this.repeats.opened(alert, atMs);
  }

  private changesOf(alert: Alert): Changes {
    let changes = this.changes.get(alert.fingerprint);
    if (!changes) {
      changes = {
        count: Number(alert.params.count ?? 0),
        users: RecentNames.parse(String(alert.params.users ?? '')),
      };
      this.changes.set(alert.fingerprint, changes);
    }
    return changes;
  }

  private paramsOf(node: NodeId, changes: Changes) {
    return {
      node,
      nodeName: this.ctx.nodes.nameOf(node),
      count: changes.count,
      users: changes.users.toString(),
    };
  }

  private patchOf(node: NodeId, changes: Changes): Partial<Alert> {
    const params = this.paramsOf(node, changes);
    return { params, summary: SUMMARIES['config-change-outside-window'](params) };
  }

  onTick(nowMs: number): void {
    this.repeats.flush(nowMs);
    for (const fingerprint of this.changes.keys())
      if (!this.ctx.alerts.has(fingerprint)) this.changes.delete(fingerprint);
  }

  restoreAlert(alert: Alert): void {
    this.changesOf(alert);
  }

  suppressorOf(): null {
    return null;
  }

  resolveAfterMs(): number {
    return this.rule.resolveAfter;
  }
}

export const configChangeOutsideWindow: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'config-change-outside-window');
  return rule ? new ConfigChangeOutsideWindowKind(rule, ctx) : null;
};
