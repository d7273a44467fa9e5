import { describe, expect, it } from 'vitest';
import { dingtalkFormat } from '../../alerts/notify/formats/dingtalk';
import { wecomFormat } from '../../alerts/notify/formats/wecom';
import { webhookFormat } from '../../alerts/notify/formats/webhook';
import { loadAlertRulesText, formatRulesError } from '../../alerts/index';

describe('notification formats', () => {
  it('robot formats have the shapes WeCom and DingTalk expect', () => {
    const alert = {
      id: 'a1',
      fingerprint: 'f',
      rule: 'uplink-down',
      severity: 'critical' as const,
      status: 'firing' as const,
      summary: '淅川县政府内网路由器 上联链路中断，影响 2 个下级节点',
      params: {},
      labels: {},
      node: null,
      nodePath: ['南阳市电子政务内网核心路由器', '淅川县政府内网路由器'],
      startsAtMs: Date.parse('2026-11-26T02:00:00Z'),
      updatedAtMs: 0,
      resolvedAtMs: null,
      ack: null,
      impacted: [],
      suppressedBy: null,
      silencedBy: [],
      escalatedAtMs: null,
      repeats: 0,
      evidence: [],
    };
    const n = { dedupKey: 'a1:firing:x', kind: 'firing' as const, alert, atMs: 0, utcOffsetMin: 480 };
    const wecom = wecomFormat.render(n) as { msgtype: string; markdown: { content: string } };
    expect(Object.keys(wecom.markdown)).toEqual(['content']);
    expect(wecom.markdown.content).toContain('开始：2026-11-26 10:00:00');
    expect(wecom.markdown.content).toContain('去重键：a1:firing:x');
    const ding = dingtalkFormat.render(n) as { msgtype: string; markdown: { title: string; text: string } };
    expect(Object.keys(ding.markdown).sort()).toEqual(['text', 'title']);
  });

  it('the generic webhook carries the whole alert and the dedup key', () => {
    expect(webhookFormat.rejected(503, '')).toBe('HTTP 503');
    expect(wecomFormat.rejected(200, '{"errcode":0,"errmsg":"ok"}')).toBeNull();
  });
});

describe('alert rules loader', () => {
  it('reports every problem with file, line and field', () => {
    const text = [
      'rules:',
      '  - { id: uplink-down, kind: uplink-down, severity: critical }',
      '  - { id: node-unreachable, kind: node-unreachable, severity: fatal }',
      '  - id: cpu-high',
      '    kind: threshold',
      '    severity: major',
      '    measurement: node',
      '    field: cpuPct',
      "    op: '>'",
      '    value: 90',
      '    clear: 95',
      '    for: 5 minutes',
      "    summary: 'x'",
      'routes:',
      '  - { receiver: nobody }',
    ].join('\n');
    const result = loadAlertRulesText('rules.yaml', text);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.errors.map(formatRulesError);
    expect(lines).toEqual([
      'rules.yaml:3 rules[1].severity: Invalid option: expected one of "critical"|"major"|"minor"|"warning"|"info"',
      'rules.yaml:12 rules[2].for: must be a duration like 30s, 5m, 1h or 250ms (or a number of seconds)',
    ]);
    const fixed = loadAlertRulesText(
      'rules.yaml',
      text.replace('fatal', 'critical').replace('5 minutes', '5m'),
    );
    expect(fixed.ok ? [] : fixed.errors.map(formatRulesError)).toEqual([
      'rules.yaml:11 rules[2].clear: clear 95 must be on the healthy side of value 90 for op ">"',
      'rules.yaml:15 routes[0].receiver: unknown receiver "nobody" (no receivers defined)',
    ]);
  });
});
