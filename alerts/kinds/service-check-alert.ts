import type { AlertEvidence, NodeId, ServiceCheckEvent, Severity } from '../../domain';
import { fingerprintOf } from '../alert-keys';
import type { EngineContext } from '../engine-context';
import { SUMMARIES, type Params } from '../summary';

type ServiceKind = 'service-down' | 'content-defaced' | 'content-stale' | 'service-certificate';

/** What every service-check alert names: the node, the check and its target (never credentials). */
export function checkParams(ctx: EngineContext, event: ServiceCheckEvent): Params {
  return {
    node: event.node,
    nodeName: ctx.nodes.nameOf(event.node),
    check: event.check,
    target: event.target,
  };
}

export const checkFingerprint = (rule: string, event: ServiceCheckEvent): string =>
  fingerprintOf(rule, `${event.node}|${event.check}`);

/**
 * Open one alert for a check's problem, or leave the open one be (a check runs every minute; an
 * unchanged problem is not news). Behind a cut uplink it opens suppressed under the outage, and
 * correlation keeps it folded when the outage shows up after it.
 */
export function openCheckAlert(
  ctx: EngineContext,
  kind: ServiceKind,
  rule: { id: string },
  severity: Severity,
  event: ServiceCheckEvent,
  params: Params,
  evidence: AlertEvidence,
): void {
  const fingerprint = checkFingerprint(rule.id, event);
  const open = ctx.alerts.find(fingerprint);
  const summary = SUMMARIES[kind](params);
  if (open) {
    if (open.severity !== severity || open.summary !== summary)
      ctx.alerts.update(open, { severity, summary, params }, event.timeMs);
    return;
  }
  const node: NodeId = event.node;
  ctx.alerts.openAlert(
    {
      fingerprint,
      rule: rule.id,
      severity,
      summary,
      params,
      labels: { ...ctx.nodes.labelsOf(node), check: event.check, checkKind: event.kind },
      node,
      impacted: [],
      suppressedBy: ctx.outages.suppressorFor([node]),
      evidence: [evidence],
    },
    event.timeMs,
  );
}

export function resolveCheckAlert(
  ctx: EngineContext,
  rule: { id: string },
  event: ServiceCheckEvent,
  evidence: AlertEvidence,
): void {
  const open = ctx.alerts.find(checkFingerprint(rule.id, event));
  if (open) ctx.alerts.resolve(open, event.timeMs, evidence);
}
