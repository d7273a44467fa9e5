import { describe, expect, it } from 'vitest';
import { formatRulesError, loadAlertRules, loadAlertRulesText } from '../../alerts/index';

function errorsOf(extra: string): string[] {
  const loaded = loadAlertRulesText(
    'rules.yaml',
    `rules:
  - { id: node-unreachable, kind: node-unreachable, severity: critical }
  - { id: uplink-down, kind: uplink-down, severity: critical }
${extra}`,
  );
  return loaded.ok ? [] : loaded.errors.map(formatRulesError);
}

describe('security rules in the rules file', () => {
  it('ship with the defaults the issue asks for', () => {
    const loaded = loadAlertRules();
    if (!loaded.ok) throw new Error(loaded.errors.map(formatRulesError).join('\n'));
    const byKind = new Map(loaded.rules.rules.map((rule) => [rule.kind, rule]));
    expect(byKind.get('brute-force')).toMatchObject({ failures: 6, within: 300_000, severity: 'critical' });
    expect(byKind.get('login-outside-management')).toMatchObject({ managementSubnets: ['10.0.0.0/8'] });
    expect(byKind.get('config-change-outside-window')).toMatchObject({ severity: 'major' });
    expect(byKind.get('security-burst')).toMatchObject({
      within: 60_000,
      deny: { count: 100, severity: 'minor' },
      attack: { count: 10, severity: 'major' },
    });
    expect(byKind.get('logs-silent')).toMatchObject({ after: 1_800_000, severity: 'warning' });
  });

  it('fills in defaults for what a rule leaves out', () => {
    const loaded = loadAlertRulesText(
      'rules.yaml',
      `rules:
  - { id: node-unreachable, kind: node-unreachable, severity: critical }
  - { id: uplink-down, kind: uplink-down, severity: critical }
  - { id: bf, kind: brute-force, severity: major }
  - { id: burst, kind: security-burst }
`,
    );
    expect(loaded.ok && loaded.rules.rules.slice(2)).toMatchObject([
      { failures: 6, within: 300_000, maxSources: 1_000, resolveAfter: 1_800_000 },
      { within: 60_000, deny: { count: 100 }, attack: { count: 10 }, resolveAfter: 600_000 },
    ]);
  });

  it('refuses bad thresholds, windows and subnets with file:line and field', () => {
    expect(
      errorsOf(`  - id: bf
    kind: brute-force
    severity: critical
    failures: 1
    within: 0s
  - id: outside
    kind: login-outside-management
    severity: major
    managementSubnets: [10.0.0.0/33, 'not-a-net', 10.1.2.3]
  - { id: silent, kind: logs-silent, severity: warning, after: 10s }
  - { id: burst, kind: security-burst, attack: { count: 0, severity: major } }
  - { id: bf2, kind: brute-force, severity: major }
`),
    ).toEqual([
      expect.stringMatching(/^rules\.yaml:7 rules\[2\]\.failures: .*2/),
      'rules.yaml:8 rules[2].within: must be at least 1s',
      expect.stringMatching(
        /^rules\.yaml:12 rules\[3\]\.managementSubnets\[0\]: must be a subnet like 10\.0\.0\.0\/8/,
      ),
      expect.stringMatching(/^rules\.yaml:12 rules\[3\]\.managementSubnets\[1\]: must be a subnet/),
      expect.stringMatching(/^rules\.yaml:12 rules\[3\]\.managementSubnets\[2\]: must be a subnet/),
      'rules.yaml:13 rules[4].after: must be at least 1m',
      expect.stringMatching(/^rules\.yaml:14 rules\[5\]\.attack\.count: /),
    ]);
  });

  it('allows one rule of each security kind', () => {
    expect(
      errorsOf(`  - { id: bf, kind: brute-force, severity: major }
  - { id: bf2, kind: brute-force, severity: major }
`),
    ).toEqual(['rules.yaml:5 rules[3].kind: only one rule of kind "brute-force" is allowed']);
  });
});
