import type { DeviceRole } from '../domain';

/**
 * Poll intervals a role gets when neither the node nor the inventory's `polling.byRole` sets one
 * (before `byTier` and the default). A gatekeeper (网闸) guards the zone boundary: it is watched
 * twice a minute so a bypassed or stopped device shows up fast.
 */
export const ROLE_POLL_INTERVAL_S: Partial<Record<DeviceRole, number>> = { gatekeeper: 30 };
