import { describe, expect, it } from 'vitest';
import { formatRulesError, loadAlertRulesText } from '../../alerts/index';

/** The smallest valid rules file, plus whatever a test appends. */
function rulesFile(extra: string): string {
  return `rules:
  - { id: node-unreachable, kind: node-unreachable, severity: critical }
  - { id: uplink-down, kind: uplink-down, severity: critical }
${extra}`;
}

function errorsOf(text: string, env: Record<string, string> = {}): string[] {
  const loaded = loadAlertRulesText('rules.yaml', text, env);
  return loaded.ok ? [] : loaded.errors.map(formatRulesError);
}

describe('alert rules: regular expressions', () => {
  it('refuses patterns RE2 cannot run, or that are too long or costly, with file:line and field', () => {
    const errors = errorsOf(
      rulesFile(`  - id: cpu-high
    kind: threshold
    severity: major
    measurement: node
    field: cpuPct
    op: '>'
    value: 90
    summary: '{nodeName} CPU 高'
    match: [{ label: node, value: '(ny)\\1', regex: true }]
receivers: [{ name: noc, type: webhook, url: 'http://127.0.0.1:9/hook' }]
routes:
  - receiver: noc
    matchers:
      - { label: path, value: '(?=淅川).*', regex: true }
      - { label: node, value: '${'x'.repeat(300)}', regex: true }
      - { label: node, value: '\\pL{1000}\\pL{1000}', regex: true }
`),
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /^rules\.yaml:12 rules\[2\]\.match\[0\]\.value: invalid regular expression \(RE2 syntax\)/,
      ),
      expect.stringMatching(/^rules\.yaml:17 routes\[0\]\.matchers\[0\]\.value: invalid regular expression/),
      expect.stringMatching(/^rules\.yaml:18 routes\[0\]\.matchers\[1\]\.value: .*at most 256/),
      expect.stringMatching(/^rules\.yaml:19 routes\[0\]\.matchers\[2\]\.value: pattern too costly/),
    ]);
  });

  it('accepts patterns that were always fine, catastrophic-for-backtracking ones included (RE2 runs them linearly)', () => {
    expect(
      errorsOf(
        rulesFile(`receivers: [{ name: noc, type: webhook, url: 'http://127.0.0.1:9/hook' }]
routes:
  - { receiver: noc, matchers: [{ label: severity, value: 'critical|major', regex: true }] }
  - { receiver: noc, matchers: [{ label: path, value: '(a+)+$', regex: true }] }
`),
      ),
    ).toEqual([]);
  });
});

describe('alert rules: receiver credentials', () => {
  it.each([
    'https://noc:s3cret-pw@hooks.example.gov.cn/alerts',
    'https://token-only-user@hooks.example.gov.cn/alerts',
    'http://:s3cret-pw@127.0.0.1:9000/alerts',
  ])('refuses user:pass@ in %s, without repeating the secret', (url) => {
    const errors = errorsOf(rulesFile(`receivers:\n  - { name: noc, type: webhook, url: '${url}' }\n`));
    expect(errors).toEqual([
      expect.stringMatching(/^rules\.yaml:5 receivers\[0\]\.url: must not carry credentials \(user:pass@\)/),
    ]);
    expect(errors.join('\n')).not.toMatch(/s3cret|token-only/);
  });

  it('takes secret headers from the environment, and names the variable that is missing', () => {
    const text = rulesFile(`receivers:
  - name: noc
    type: webhook
    url: 'https://hooks.example.gov.cn/alerts'
    headers:
      X-Source: egov-noc
      Authorization: { env: NOC_WEBHOOK_AUTH }
`);
    expect(errorsOf(text, { NOC_WEBHOOK_AUTH: 'Bearer abc' })).toEqual([]);
    expect(errorsOf(text)).toEqual([
      'rules.yaml:10 receivers[0].headers.Authorization.env: header Authorization: environment variable NOC_WEBHOOK_AUTH is not set',
    ]);
    expect(errorsOf(text.replace('NOC_WEBHOOK_AUTH', 'lower-case'))).toEqual([
      expect.stringMatching(/receivers\[0\]\.headers\.Authorization/),
    ]);
  });
});
