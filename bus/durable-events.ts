import type { BusEventType } from '../domain';

/**
 * Which events must not be lost (JetStream: stored, acknowledged, redelivered) and which may
 * (core NATS: live fan-out, superseded by the next one). Exhaustive, so a new event type must
 * choose (`satisfies` fails to compile otherwise).
 */
const DURABILITY = {
  samples: 'durable', // the alert engine's thresholds and staleness
  'node.state': 'durable',
  'interface.state': 'durable',
  'node.reboot': 'durable',
  trap: 'durable',
  'topology.drift': 'durable',
  'certificate.expiry': 'durable',
  'security.event': 'durable',
  'asset.change': 'durable', // module replaced / inserted / removed and firmware-upgraded alerts
  'service.check': 'durable', // down, defaced and stale alerts
  'report.delivery': 'durable', // the report-delivery alert opens and clears on these
  'unmanaged.sighting': 'durable', // the console's list of devices not in the inventory (rate-bounded)
  // Periodic: the next report replaces a lost one.
  'collector.health': 'live',
  // The engine's own output, from its durable store; a console catches up over REST (resume by seq).
  alert: 'live',
} as const satisfies Record<BusEventType, 'durable' | 'live'>;

export const DURABLE_TYPES: readonly BusEventType[] = (Object.keys(DURABILITY) as BusEventType[]).filter(
  (type) => DURABILITY[type] === 'durable',
);

export const isDurable = (type: BusEventType): boolean => DURABILITY[type] === 'durable';
