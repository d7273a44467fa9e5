export type { EventBus, Unsubscribe } from './event-bus';
export type * from './events';
export { InProcessBus } from './in-process-bus';
