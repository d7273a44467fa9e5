/**
 * An event's severity: the syslog level (the vendor's own when the body carries one) mapped onto the
 * alert scale, raised to a floor for categories that matter to security whatever level the device
 * chose (Huawei logs SSH_FAIL at 4, Cisco LOGIN_FAILED at 4, ASA denies at 4 or 6).
 */
import type { SecurityCategory, Severity } from '../domain';
import { severityRank } from '../domain';

/** Syslog 0 emergency … 7 debug. */
const BY_LEVEL: readonly Severity[] = [
  'critical',
  'critical',
  'critical',
  'major',
  'warning',
  'info',
  'info',
  'info',
];

const FLOOR: Record<SecurityCategory, Severity> = {
  attack: 'major',
  'auth-failure': 'warning',
  'policy-deny': 'warning',
  'config-change': 'warning',
  command: 'info',
  'auth-success': 'info',
  system: 'info',
};

export function severityOf(level: number | null, category: SecurityCategory): Severity {
  const fromLevel = level === null ? 'info' : (BY_LEVEL[level] ?? 'info');
  const floor = FLOOR[category];
  return severityRank(fromLevel) <= severityRank(floor) ? fromLevel : floor;
}
