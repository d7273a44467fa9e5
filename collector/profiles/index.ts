export { GENERIC } from './net-snmp-linux';
export { matchProfile, PROFILES } from './match';
export type { DeviceProfile } from './profile';
export {
  pollProfile,
  identifyDevice,
  type ComponentState,
  type HealthReading,
  type DeviceIdentity,
} from './poll';
export { DeviceHealth, type HealthPoll, type HealthPollOptions } from './device-health';
export { healthPoints } from './points';
export type { SensorReading } from './entity-sensor';
