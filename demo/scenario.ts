import type { Topology } from '../inventory';
import type { NodeId, VideoLink } from '../domain';

/**
 * The demo's scripted faults, so the screen is alive the moment it opens: a county uplink drops
 * and recovers every cycle, a video link degrades during a (demo) meeting scheduled on it, and
 * someone outside tries to brute-force SSH on another county's router (a burst of failed logins in
 * its syslog, which the brute-force rule turns into one critical alert).
 */
export interface ScenarioTarget {
  inject(fault: ScenarioFault): { ok: true; id: string } | { ok: false; reason: string };
  clear(id: string): void;
}

export type ScenarioFault =
  | { kind: 'link-down'; a: string; b: string }
  | { kind: 'video-degraded'; videoLink: string; lossPct: number; jitterMs: number }
  | { kind: 'login-attack'; node: string; source: string; count: number };

export interface ScenarioOptions {
  /** One full cycle: the uplink is down for downS of every cycleS; the video link degrades once per cycle. */
  cycleS: number;
  downS: number;
  firstFaultAfterS: number;
  /** Seconds into each cycle when the brute-force attempt on a county router starts. */
  attackAtS: number;
  say: (line: string) => void;
}

export const DEFAULT_SCENARIO: Omit<ScenarioOptions, 'say'> = {
  cycleS: 240,
  downS: 90,
  firstFaultAfterS: 20,
  attackAtS: 45,
};

/** TEST-NET-3 (RFC 5737): an address outside every management subnet, owned by nobody. */
export const DEMO_ATTACKER = '203.0.113.57';
/** More than the brute-force rule's 6 failures, all inside its window. */
const DEMO_ATTACK_COUNT = 8;

/** The county whose uplink the scenario cuts: the first HFC uplink (the fragile kind), else any. */
function pickUplink(topology: Topology): { a: string; b: string; name: string; node: NodeId } | null {
  const withUplink = topology.nodes
    .filter((node) => node.role === 'router' && (node.tier === 'county' || node.tier === 'district'))
    .map((node) => ({ node, link: topology.uplinkOf(node.id) }))
    .filter((entry) => entry.link !== null && topology.descendants(entry.node.id).length > 0);
  const chosen = withUplink.find((entry) => entry.link?.medium === 'hfc') ?? withUplink[0];
  if (!chosen?.link) return null;
  return { a: chosen.link.a.node, b: chosen.link.b.node, name: chosen.node.name, node: chosen.node.id };
}

/** A county router the uplink cut leaves reachable: the brute-force target (district routers if no county). */
export function pickAttackTarget(
  topology: Topology,
  cutNode: NodeId | null,
): { id: string; name: string } | null {
  const cut = new Set<string>(cutNode === null ? [] : [cutNode, ...topology.descendants(cutNode)]);
  const routers = topology.nodes.filter((n) => n.role === 'router' && !cut.has(n.id));
  const chosen = routers.find((n) => n.tier === 'county') ?? routers.find((n) => n.tier === 'district');
  return chosen ? { id: chosen.id, name: chosen.name } : null;
}

/** Schedule a one-off meeting on the video link for the next half hour, so degradation is "during a meeting". */
export function scheduleDemoMeeting(topology: Topology, nowMs: number): VideoLink | null {
  const link = topology.videoLinks[0];
  if (!link) return null;
  link.meetings.push({
    title: '应急指挥视频会商（演示）',
    start: new Date(nowMs).toISOString(),
    end: new Date(nowMs + 30 * 60_000).toISOString(),
  });
  return link;
}

export function startScenario(
  topology: Topology,
  target: ScenarioTarget,
  options: ScenarioOptions,
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const active = new Set<string>();
  const uplink = pickUplink(topology);
  const video = topology.videoLinks[0] ?? null;
  const attacked = pickAttackTarget(topology, uplink?.node ?? null);
  const later = (seconds: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, seconds * 1000);
    timers.add(timer);
  };
  const inject = (fault: ScenarioFault, label: string, clearAfterS: number) => {
    const result = target.inject(fault);
    if (!result.ok) return options.say(`演示场景 scenario: could not inject ${fault.kind}: ${result.reason}`);
    active.add(result.id);
    options.say(`演示场景 scenario: ${label}`);
    later(clearAfterS, () => {
      target.clear(result.id);
      active.delete(result.id);
      options.say(`演示场景 scenario: cleared — ${label}`);
    });
  };
  /** Instantaneous faults (a log burst): nothing to clear afterwards. */
  const fire = (fault: ScenarioFault, label: string) => {
    const result = target.inject(fault);
    options.say(
      result.ok
        ? `演示场景 scenario: ${label}`
        : `演示场景 scenario: could not inject ${fault.kind}: ${result.reason}`,
    );
  };
  const cycle = () => {
    if (attacked)
      later(options.attackAtS, () =>
        fire(
          { kind: 'login-attack', node: attacked.id, source: DEMO_ATTACKER, count: DEMO_ATTACK_COUNT },
          `${attacked.name} SSH 暴力破解尝试 (brute-force login attempt from ${DEMO_ATTACKER})`,
        ),
      );
    if (uplink)
      inject(
        { kind: 'link-down', a: uplink.a, b: uplink.b },
        `${uplink.name} 上联链路中断 (uplink down)`,
        options.downS,
      );
    if (video)
      later(options.downS + 10, () =>
        inject(
          { kind: 'video-degraded', videoLink: video.id, lossPct: 4, jitterMs: 60 },
          `${video.name} 视频质量下降 (video degraded)`,
          options.downS,
        ),
      );
    later(options.cycleS, cycle);
  };
  later(options.firstFaultAfterS, cycle);

  return () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const id of active) target.clear(id);
    active.clear();
  };
}
