import {
  activeMeeting,
  type Alert,
  type BusEvent,
  type CollectorHealthEvent,
  type MetricPoint,
  type NodeId,
} from '../../domain';
import type { ConditionsSnapshot } from '../conditions-snapshot';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { Rule, ThresholdRule } from '../rules/schema';
import { matchesLabels } from '../silences';
import { evidenceOf, fillTemplate, meetingSuffix, round, type Params } from '../summary';
import type { KindFactory, RuleKind } from './kind';

/**
 * Thresholds over any measurement: fire when the value stays on the wrong side for `for`, clear on
 * the healthy side of `clear` (hysteresis); stricter `duringMeeting` values on a video link while a
 * meeting is scheduled. Collector health arrives as measurement `collector`.
 */
class ThresholdKind implements RuleKind {
  readonly kind = 'threshold';
  readonly events = ['collector.health'] as const;
  private readonly byMeasurement = new Map<string, ThresholdRule[]>();
  /** Series on the wrong side, not yet for long enough: since when. */
  private readonly pending = new Map<string, number>();

  constructor(
    rules: readonly ThresholdRule[],
    private readonly ctx: EngineContext,
  ) {
    for (const rule of rules) {
      const list = this.byMeasurement.get(rule.measurement) ?? [];
      list.push(rule);
      this.byMeasurement.set(rule.measurement, list);
    }
  }

  saveConditions(into: ConditionsSnapshot): void {
    into.thresholdPending = [...this.pending];
  }

  restoreConditions(from: ConditionsSnapshot): void {
    for (const [key, value] of from.thresholdPending) this.pending.set(key, value);
  }

  reEvaluateAfterCause(alert: Alert): void {
    this.pending.delete(alert.fingerprint);
  }

  onEvent(event: BusEvent): void {
    if (event.type === 'collector.health') this.onPoint(collectorPoint(event), null);
  }

  onPoint(point: MetricPoint, eventNode: NodeId | null): void {
    const rules = this.byMeasurement.get(point.measurement);
    if (!rules) return;
    const { topology, nodes } = this.ctx;
    const tagNode = point.tags.node;
    const node =
      tagNode !== undefined && topology.has(tagNode)
        ? tagNode
        : eventNode !== null && topology.has(eventNode)
          ? eventNode
          : null;
    const labels: Record<string, string> = { ...point.tags, ...(node ? nodes.labelsOf(node) : {}) };
    if (node && labels.ifName !== undefined && labels.link === undefined) {
      const link = topology.linkAt(node, labels.ifName);
      if (link) labels.link = link.id;
    }
    for (const rule of rules) {
      const value = point.fields[rule.field];
      if (value === undefined || !Number.isFinite(value)) continue;
      if (!matchesLabels(rule.match, labels)) continue;
      this.evaluate(rule, point, node, labels, value);
    }
  }

  /** The firing and clearing values now: the meeting values while a meeting runs on the video link. */
  private limitsAt(rule: ThresholdRule, labels: Record<string, string>, atMs: number) {
    if (rule.duringMeeting && labels.link !== undefined) {
      const videoLink = this.ctx.topology.videoLinks.find((v) => v.id === labels.link);
      const active = videoLink ? activeMeeting(videoLink, atMs, this.ctx.rules.settings.utcOffsetMin) : null;
      if (active)
        return {
          limit: rule.duringMeeting.value,
          clear: rule.duringMeeting.clear ?? rule.duringMeeting.value,
          meeting: active.title,
        };
    }
    return { limit: rule.value, clear: rule.clear ?? rule.value, meeting: null };
  }

  private evaluate(
    rule: ThresholdRule,
    point: MetricPoint,
    node: NodeId | null,
    labels: Record<string, string>,
    value: number,
  ): void {
    const { alerts, dirty } = this.ctx;
    const seriesTags = Object.entries(point.tags).sort(([a], [b]) => a.localeCompare(b));
    const fingerprint = fingerprintOf(rule.id, JSON.stringify(seriesTags));
    const { limit, clear, meeting } = this.limitsAt(rule, labels, point.timeMs);
    const atMs = point.timeMs;
    const open = alerts.find(fingerprint);
    if (open) {
      if (isHealthy(value, rule.op, clear)) {
        this.pending.delete(fingerprint);
        alerts.resolve(
          open,
          atMs,
          evidenceOf('poll', atMs, 'threshold-clear', { field: rule.field, value: round(value), clear }),
        );
      }
      return;
    }
    if (!compare(value, rule.op, limit)) {
      if (this.pending.delete(fingerprint)) dirty.conditions = true;
      return;
    }
    const since = this.pending.get(fingerprint) ?? atMs;
    if (atMs - since < rule.for) {
      if (!this.pending.has(fingerprint)) {
        this.pending.set(fingerprint, since);
        dirty.conditions = true;
      }
      return;
    }
    this.pending.delete(fingerprint);
    this.open(rule, point, node, labels, { value, limit, meeting, fingerprint });
  }

  private open(
    rule: ThresholdRule,
    point: MetricPoint,
    node: NodeId | null,
    labels: Record<string, string>,
    breach: { value: number; limit: number; meeting: string | null; fingerprint: string },
  ): void {
    const { topology, nodes } = this.ctx;
    const { value, limit, meeting } = breach;
    const params: Params = {
      ...point.tags,
      value: round(value),
      threshold: limit,
      field: rule.field,
      measurement: point.measurement,
      op: rule.op,
    };
    if (node) Object.assign(params, { node, nodeName: nodes.nameOf(node) });
    if (labels.link !== undefined)
      params.link = topology.videoLinks.find((v) => v.id === labels.link)?.name ?? labels.link;
    if (meeting) params.meeting = meeting;
    const involved = [node, labels.peer].filter(
      (n): n is NodeId => n !== undefined && n !== null && topology.has(n),
    );
    this.ctx.alerts.openAlert(
      {
        fingerprint: breach.fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: fillTemplate(rule.summary, params) + (meeting ? meetingSuffix(meeting) : ''),
        params,
        labels,
        node,
        impacted: [],
        suppressedBy: this.ctx.outages.suppressorFor(involved),
        evidence: [
          evidenceOf('poll', point.timeMs, rule.for > 0 ? 'threshold-breach-for' : 'threshold-breach', {
            field: rule.field,
            value: round(value),
            op: rule.op,
            limit,
            forS: round(rule.for / 1000),
          }),
        ],
      },
      point.timeMs,
    );
  }
}

function collectorPoint(event: CollectorHealthEvent): MetricPoint {
  return {
    measurement: 'collector',
    tags: { collector: event.collector },
    fields: {
      pollsPs: event.pollsPs,
      timeoutsPs: event.timeoutsPs,
      queueLagMs: event.queueLagMs,
      spoolPoints: event.spoolPoints,
      droppedPoints: event.droppedPoints,
      storeUp: event.storeUp ? 1 : 0,
    },
    timeMs: event.timeMs,
  };
}

function compare(value: number, op: ThresholdRule['op'], limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

/** On the healthy side of the clear threshold (hysteresis: clear defaults to the firing value). */
function isHealthy(value: number, op: ThresholdRule['op'], clear: number): boolean {
  switch (op) {
    case '>':
      return value <= clear;
    case '>=':
      return value < clear;
    case '<':
      return value >= clear;
    case '<=':
      return value > clear;
  }
}

export const threshold: KindFactory = (rules: readonly Rule[], ctx) => {
  const thresholds = rules.filter((rule): rule is ThresholdRule => rule.kind === 'threshold');
  return new ThresholdKind(thresholds, ctx);
};
