import { formatRulesError, loadAlertRulesText, type AlertRules } from '../../alerts/index';
import type { SecurityCategory, SecurityEvent, Severity } from '../../domain';
import { n, type Harness } from './support';

/** Device log lines as the syslog receiver classifies them, published on the engine's bus. */

let counter = 0;

export interface LogLine {
  user?: string | null;
  sourceAddress?: string | null;
  severity?: Severity;
  messageId?: string | null;
  text?: string;
}

export function securityEvent(
  node: string | null,
  category: SecurityCategory,
  atMs: number,
  line: LogLine = {},
) {
  counter += 1;
  const event: SecurityEvent = {
    id: `test-${counter}`,
    timeMs: atMs,
    receivedAtMs: atMs,
    node: node === null ? null : n(node),
    zone: node === null ? null : 'internal',
    senderAddress: '10.41.3.1',
    hostname: node,
    category,
    severity: line.severity ?? 'warning',
    format: 'huawei-vrp',
    messageId: line.messageId ?? null,
    user: line.user ?? null,
    sourceAddress: line.sourceAddress ?? null,
    text: line.text ?? `${category} line`,
    rawBase64: null,
  };
  return { type: 'security.event' as const, timeMs: atMs, event };
}

/** Publish one classified log line from `node` at the harness clock's now. */
export function logLine(
  h: Harness,
  node: string | null,
  category: SecurityCategory,
  line: LogLine = {},
): void {
  h.bus.publish(securityEvent(node, category, h.clock.nowMs, line));
}

/** `count` failed logins from one address, `gapMs` apart (the clock moves). */
export function failedLogins(
  h: Harness,
  node: string,
  sourceAddress: string,
  count: number,
  gapMs = 1_000,
): void {
  for (let i = 0; i < count; i++) {
    if (i > 0) h.clock.advance(gapMs);
    logLine(h, node, 'auth-failure', {
      user: i % 2 === 0 ? 'admin' : 'root',
      sourceAddress,
      messageId: 'SSH/4/SSH_FAIL',
    });
  }
}

/** Move the fake clock and run the engine's timers. */
export function after(h: Harness, ms: number): void {
  h.clock.advance(ms);
  h.engine.tick();
}

export const alertsOf = (h: Harness, rule: string) => h.engine.list().filter((alert) => alert.rule === rule);

/** The smallest valid rules file plus the given rules (YAML list items), parsed. */
export function rulesWith(extra: string): AlertRules {
  const loaded = loadAlertRulesText(
    'rules.yaml',
    `rules:
  - { id: node-unreachable, kind: node-unreachable, severity: critical }
  - { id: uplink-down, kind: uplink-down, severity: critical }
${extra}`,
  );
  if (!loaded.ok) throw new Error(loaded.errors.map(formatRulesError).join('\n'));
  return loaded.rules;
}
