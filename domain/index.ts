/**
 * The shapes every part of egov-noc speaks — nodes, links, zones, tiers, credentials, meetings, MOS —
 * in one place every part imports. Nothing here imports a part.
 */
export * from './topology';
export * from './credentials';
export * from './inventory';
export * from './meetings';
export * from './mos';
export * from './agent-endpoint';
