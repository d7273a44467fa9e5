/**
 * The one domain model every part of egov-noc imports: node, link, zone, tier, severity, alert,
 * event and credential shapes, meeting windows and the E-model. Nothing here imports a part.
 */
export * from './topology';
export * from './credentials';
export * from './inventory';
export * from './meetings';
export * from './mos';
export * from './agent-endpoint';
export * from './alert';
export * from './alert-text';
export type * from './events';
export type * from './metric-point';
export * from './security-event';
export * from './csv';
export * from './county';
