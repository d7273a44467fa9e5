import { describe, expect, it } from 'vitest';
import { ALERT_TEXTS, evidenceTextIn, renderKey, renderSummary, type AlertEvidence } from '../../domain';
import { evidenceOf, noAnswerEvidence, summaryOf } from '../../alerts/summary';

const CJK = /[\u3400-\u9fff\uff08-\uff1f\u3000-\u303f]/;
const SHANGHAI = 480;

const nodeParams = { node: 'xichuan-gw', nodeName: '淅川县政府内网路由器' };

const KIND_PARAMS: Record<string, Record<string, string | number>> = {
  'uplink-down': { ...nodeParams, impacted: 2 },
  'node-unreachable': { ...nodeParams, impacted: 0 },
  'link-down': { ...nodeParams, ifName: 'Gi0/1', peer: 'nanyang-core', peerName: '南阳市核心' },
  'interface-flapping': { ...nodeParams, ifName: 'Gi0/1', transitions: 6, withinMin: 10 },
  reboot: { ...nodeParams, uptimeS: 12 },
  'snmp-auth-failure': nodeParams,
  freshness: { ...nodeParams, ageS: 200, intervalS: 60 },
  'collector-silent': { collector: 'collector-1', silentS: 200 },
  'topology-drift': { ...nodeParams, unknown: 1, missing: 2 },
  'isolation-breach': {
    ...nodeParams,
    ifName: 'Gi0/2',
    peer: 'ext-sw',
    peerName: '外网交换机',
    peerZone: 'external',
    breaches: 2,
  },
  'certificate-expiry': { subject: 'CN=xichuan-gw', daysLeft: 4 },
  'brute-force': { ...nodeParams, source: '203.0.113.9', count: 6, users: 'admin' },
  'login-outside-management': { ...nodeParams, source: '203.0.113.9', users: 'admin' },
  'config-change-outside-window': { ...nodeParams, users: 'admin', count: 2 },
  'security-burst': { ...nodeParams, attacks: 12, denies: 3 },
  'logs-silent': { ...nodeParams, silentMin: 30 },
};

describe('the alert text table', () => {
  it('renders every kind in English without Chinese, names nodes by id, and in zh-CN as the engine did', () => {
    for (const [kind, params] of Object.entries(KIND_PARAMS)) {
      const en = renderSummary('en', kind, params, SHANGHAI);
      expect(en, kind).not.toBeNull();
      expect(en, `${kind}: ${en}`).not.toMatch(CJK);
      if ('node' in params) expect(en).toContain('xichuan-gw');
      expect(renderSummary('zh-CN', kind, params, SHANGHAI)).toMatch(CJK);
    }
    expect(summaryOf('uplink-down', KIND_PARAMS['uplink-down'] ?? {})).toBe(
      '淅川县政府内网路由器 上联链路中断，影响 2 个下级节点',
    );
  });

  it('words threshold summaries from the metric, never its raw key', () => {
    const params = {
      measurement: 'video',
      field: 'mos',
      op: '<',
      value: 3.81,
      threshold: 4,
      link: 'nanyang-xichuan-vc',
      meeting: 'weekly',
    };
    const en = renderSummary('en', 'threshold', params, SHANGHAI) ?? '';
    expect(en).toBe(
      'Video link nanyang-xichuan-vc: call quality (MOS) 3.81 below 4 (meeting in progress: weekly)',
    );
    const util = {
      ...nodeParams,
      measurement: 'interface',
      field: 'inUtilPct',
      op: '>',
      value: 95,
      threshold: 90,
      ifName: 'Gi0/1',
    };
    expect(renderSummary('en', 'threshold', util, SHANGHAI)).toBe(
      'xichuan-gw interface Gi0/1: inbound utilization 95% above 90%',
    );
    const evidence = evidenceOf('poll', 0, 'threshold-breach-for', {
      field: 'mos',
      value: 3.81,
      op: '<',
      limit: 4,
      forS: 60,
    });
    expect(evidence.text).toBe('通话质量 MOS = 3.81 低于 4，持续 60 秒');
    expect(evidenceTextIn('en', evidence, SHANGHAI)).toBe('call quality (MOS) = 3.81, below 4 for 60 s');
    expect(evidence.text).not.toContain('video.mos');
  });

  it('says why a node gave no answer in the reader’s language', () => {
    const evidence = noAnswerEvidence(0, 'no answer (timeout) (3 polls in a row)');
    expect(evidence.text).toBe('轮询无响应：无应答（超时）');
    expect(evidenceTextIn('en', evidence, SHANGHAI)).toBe('No answer to polls: no answer (timeout)');
  });

  it('shows times and dates in the configured zone, not ISO UTC', () => {
    const notAfterMs = Date.UTC(2026, 4, 3, 20, 0, 0); // 04:00 on 4 May in Shanghai
    const evidence = evidenceOf('rule', 0, 'certificate-not-after', { notAfterMs }, SHANGHAI);
    expect(evidence.text).toBe('证书有效期至 2026-05-04');
    expect(evidenceTextIn('en', evidence, 0)).toBe('Certificate valid until 2026-05-03');
    const stale = evidenceOf('rule', 0, 'data-stale', { seenAtMs: notAfterMs, factor: 2 }, SHANGHAI);
    expect(evidenceTextIn('en', stale, SHANGHAI)).toBe(
      'Newest data at 2026-05-04 04:00:00, older than 2 poll intervals',
    );
  });

  it('keeps evidence stored before kinds as it was', () => {
    const old: AlertEvidence = { source: 'poll', atMs: 0, text: '旧的依据' };
    expect(evidenceTextIn('en', old, SHANGHAI)).toBe('旧的依据');
    expect(renderKey('en', 'evidence.no-such-kind', {}, SHANGHAI)).toBeNull();
  });

  it('has no Chinese in any English text and no empty one', () => {
    for (const [key, text] of Object.entries(ALERT_TEXTS.en)) {
      expect(text, key).not.toMatch(CJK);
      expect(text.length, key).toBeGreaterThan(0);
    }
  });
});
