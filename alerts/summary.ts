import type { Topology } from '../inventory';
import type { NodeId, Zone } from '../domain';

/**
 * zh-CN summaries (the operators' language) and the labels every alert carries. The web app may
 * re-render a summary from rule + params through its i18n layer; these strings are the default.
 */

export type Params = Record<string, string | number>;

/** node, tier, zone, role and path (province / city / county … names joined by " / "). */
export function nodeLabels(topology: Topology, node: NodeId): Record<string, string> {
  const info = topology.node(node);
  return {
    node,
    tier: info.tier,
    zone: info.zone,
    role: info.role,
    path: topology.pathNames(node).join(' / '),
  };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Fill {name} placeholders from params; an unknown placeholder stays visible rather than vanishing. */
export function fillTemplate(template: string, params: Params): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined ? whole : String(value);
  });
}

/** Zone names as operators say them (the console's zone.* messages). */
export const ZONE_NAMES: Record<Zone, string> = {
  internal: '政务内网',
  external: '政务外网',
  public: '公众信息网',
  video: '视频会议',
};

export const SUMMARIES = {
  'uplink-down': (p: { nodeName: string; impacted: number }) =>
    p.impacted > 0
      ? `${p.nodeName} 上联链路中断，影响 ${p.impacted} 个下级节点`
      : `${p.nodeName} 上联链路中断`,
  'node-unreachable': (p: { nodeName: string; impacted: number }) =>
    p.impacted > 0 ? `${p.nodeName} 无法访问，影响 ${p.impacted} 个下级节点` : `${p.nodeName} 无法访问`,
  'link-down': (p: { nodeName: string; ifName: string; peerName: string }) =>
    `${p.nodeName} 接口 ${p.ifName} 链路中断（对端 ${p.peerName}）`,
  'interface-flapping': (p: { nodeName: string; ifName: string; transitions: number; withinMin: number }) =>
    `${p.nodeName} 接口 ${p.ifName} 频繁振荡：${p.withinMin} 分钟内 ${p.transitions} 次状态变化`,
  reboot: (p: { nodeName: string; uptimeS: number }) => `${p.nodeName} 设备重启（已运行 ${p.uptimeS} 秒）`,
  'snmp-auth-failure': (p: { nodeName: string }) =>
    `${p.nodeName} 收到 SNMP 认证失败告警（团体字或 v3 凭据错误）`,
  freshness: (p: { nodeName: string; ageS: number; intervalS: number }) =>
    `${p.nodeName} 监测数据已过期：最新数据为 ${p.ageS} 秒前（采集周期 ${p.intervalS} 秒）`,
  'collector-silent': (p: { collector: string; silentS: number }) =>
    `采集器 ${p.collector} 已 ${p.silentS} 秒无状态上报，各节点监测数据可能已停止更新`,
  'topology-drift': (p: { nodeName: string; unknown: number; missing: number }) =>
    `${p.nodeName} 实际连接与台账不符：${p.unknown} 个未登记邻居，${p.missing} 条登记链路未发现`,
  'isolation-breach': (p: {
    nodeName: string;
    ifName: string;
    peerName: string;
    peerZoneName: string;
    breaches: number;
  }) =>
    `${p.nodeName} 接口 ${p.ifName} 直连${p.peerZoneName}设备 ${p.peerName}，违反三网隔离${p.breaches > 1 ? `（共 ${p.breaches} 处）` : ''}`,
  'certificate-expiry': (p: { subject: string; daysLeft: number }) =>
    p.daysLeft <= 0 ? `证书 ${p.subject} 已过期` : `证书 ${p.subject} 将在 ${p.daysLeft} 天后过期`,
  'brute-force': (p: { nodeName: string; source: string; count: number; users: string }) =>
    `${p.nodeName} 疑似暴力破解：来自 ${p.source} 的 ${p.count} 次登录失败（尝试用户 ${p.users}）`,
  'login-outside-management': (p: { nodeName: string; source: string; users: string }) =>
    `${p.nodeName} 有来自管理网段以外 ${p.source} 的登录（用户 ${p.users}）`,
  'config-change-outside-window': (p: { nodeName: string; users: string; count: number }) =>
    `${p.nodeName} 在维护窗口外发生 ${p.count} 次配置变更（用户 ${p.users}）`,
  'security-burst': (p: { nodeName: string; attacks: number; denies: number }) =>
    `${p.nodeName} 攻击/策略拒绝日志激增：攻击 ${p.attacks} 条，策略拒绝 ${p.denies} 条`,
  'logs-silent': (p: { nodeName: string; silentMin: number }) =>
    `${p.nodeName} 已 ${p.silentMin} 分钟未发送日志`,
} as const;
