/** Hardware faults: a fan or power supply fails, the board overheats, an optical module's received power drops. */
import type { Device, IfState } from './device';
import { FAN_COUNT, opticalPorts, PSU_COUNT } from './hardware';

export type HardwareFault =
  | { kind: 'fan-fail'; node: string }
  | { kind: 'psu-fail'; node: string }
  | { kind: 'overheat'; node: string }
  /** The module in `interface` (default: the node's uplink port) reads −28 dBm received. */
  | { kind: 'optic-degraded'; node: string; interface?: string };

export const HARDWARE_FAULT_KINDS = ['fan-fail', 'psu-fail', 'overheat', 'optic-degraded'] as const;

/** The port an optic-degraded fault hits: the one named, else the uplink, else the first optical port. */
function opticalPortOf(dev: Device, name: string | undefined): IfState | null {
  const ports = opticalPorts(dev.ifs);
  if (name !== undefined) return ports.find((s) => s.plan.name === name) ?? null;
  const uplink = dev.network.topology.uplinkOf(dev.node.id);
  const uplinkPort = uplink ? ports.find((s) => s.plan.link?.id === uplink.id) : undefined;
  return uplinkPort ?? ports[0] ?? null;
}

export function hardwareFaultProblem(dev: Device | undefined, fault: HardwareFault): string | null {
  if (!dev) return `unknown node "${fault.node}"`;
  if (dev.family === 'net-snmp')
    return `node "${fault.node}" is a host (net-snmp): its MIBs report no fans, power supplies, board temperature or optics`;
  if (fault.kind === 'fan-fail' && dev.hardware.fanFailures >= FAN_COUNT)
    return `every fan of "${fault.node}" has already failed`;
  if (fault.kind === 'psu-fail' && dev.hardware.psuFailures >= PSU_COUNT)
    return `every power supply of "${fault.node}" has already failed`;
  if (fault.kind === 'optic-degraded' && dev.family === 'zte')
    return `node "${fault.node}" is a ZTE ZXR10: its profile reads no optical power, so a degraded module would not show`;
  if (fault.kind === 'optic-degraded' && !opticalPortOf(dev, fault.interface)) {
    const names = opticalPorts(dev.ifs).map((s) => s.plan.name);
    return fault.interface === undefined
      ? `node "${fault.node}" has no port with an optical module`
      : `node "${fault.node}" has no optical module in "${fault.interface}" (optical ports: ${names.join(', ') || 'none'})`;
  }
  return null;
}

/** Applies the fault; returns what undoes it. Call only after hardwareFaultProblem said null. */
export function applyHardwareFault(dev: Device, fault: HardwareFault): () => void {
  const hw = dev.hardware;
  switch (fault.kind) {
    case 'fan-fail':
      hw.fanFailures++;
      return () => {
        hw.fanFailures = Math.max(0, hw.fanFailures - 1);
      };
    case 'psu-fail':
      hw.psuFailures++;
      return () => {
        hw.psuFailures = Math.max(0, hw.psuFailures - 1);
      };
    case 'overheat':
      hw.overheat++;
      return () => {
        hw.overheat = Math.max(0, hw.overheat - 1);
      };
    case 'optic-degraded': {
      const port = opticalPortOf(dev, fault.interface);
      if (!port) throw new Error(`no optical port on "${fault.node}"`);
      const ifIndex = port.plan.ifIndex;
      hw.degradedOptics.set(ifIndex, (hw.degradedOptics.get(ifIndex) ?? 0) + 1);
      return () => {
        const left = (hw.degradedOptics.get(ifIndex) ?? 1) - 1;
        if (left > 0) hw.degradedOptics.set(ifIndex, left);
        else hw.degradedOptics.delete(ifIndex);
      };
    }
  }
}
