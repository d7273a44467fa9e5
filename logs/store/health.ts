/** What a store's health says about readiness: a backend that answers but refused the last write is not ready. */
import type { LogStoreHealth } from './types';

export function throwIfLastWriteFailed(health: LogStoreHealth): void {
  if (!health.backendUp) throw new Error(`the last write failed: ${health.lastError ?? 'no reason given'}`);
}
