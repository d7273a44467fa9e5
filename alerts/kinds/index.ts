import { assetChange } from './asset-change';
import { bruteForce } from './brute-force';
import { certificateExpiry } from './certificate-expiry';
import { collectorSilent } from './collector-silent';
import { configChangeOutsideWindow } from './config-change-outside-window';
import { contentDefaced } from './content-defaced';
import { contentStale } from './content-stale';
import { freshness } from './freshness';
import { hardwareFailure } from './hardware-failure';
import { interfaceFlapping } from './interface-flapping';
import { isolationBreach } from './isolation-breach';
import type { KindFactory } from './kind';
import { linkDown } from './link-down';
import { loginOutsideManagement } from './login-outside-management';
import { logsSilent } from './logs-silent';
import { reboot } from './reboot';
import { reportDelivery } from './report-delivery';
import { securityBurst } from './security-burst';
import { serviceCertificate } from './service-certificate';
import { serviceDown } from './service-down';
import { snmpAuthFailure } from './snmp-auth-failure';
import { threshold } from './threshold';
import { topologyDrift } from './topology-drift';

/**
 * Every rule kind the engine runs besides outage correlation. Adding a kind is adding a file and a
 * line here (and its rule shape in rules/schema.ts). Order is the order kinds see the same event and
 * the same tick: a silent collector is settled before the collector's health thresholds, flapping
 * before freshness.
 */
export const RULE_KINDS: readonly KindFactory[] = [
  interfaceFlapping,
  linkDown,
  collectorSilent,
  freshness,
  threshold,
  hardwareFailure,
  assetChange,
  reboot,
  snmpAuthFailure,
  certificateExpiry,
  topologyDrift,
  isolationBreach,
  bruteForce,
  loginOutsideManagement,
  configChangeOutsideWindow,
  securityBurst,
  logsSilent,
  serviceDown,
  contentDefaced,
  contentStale,
  serviceCertificate,
  reportDelivery,
];

export type { KindFactory, RuleKind } from './kind';
