import type { Logger } from '../../common';
import type { CollectorHealthEvent, NodeId } from '../../domain';
import type { Topology } from '../../inventory';
import type { MetricsStore } from '../../metrics';
import { Scope } from './access';
import type { AssetRegister } from './assets/register';
import type { Identity, LoginRateLimiter, UserRecord } from './identity';
import type { LiveState } from './live-state';
import type { AlertsPort, PkiPort, SecurityEventsPort } from './ports';
import type { StreamHub } from './stream/hub';

/** Everything a route handler may use; built once by startConsoleServer. */
export interface ServerContext {
  topology: Topology;
  identity: Identity;
  alerts: AlertsPort;
  pki: PkiPort | null;
  /** The log store security events are searched in; null: the console runs without one. */
  securityEvents: SecurityEventsPort | null;
  metrics: MetricsStore;
  /** The asset register (设备台账) kept from the entity reads on the bus; null: not kept (routes 404). */
  assets: AssetRegister | null;
  live: LiveState;
  hub: StreamHub;
  log: Logger;
  /** Serving over TLS: cookies get `Secure`. */
  secure: boolean;
  /** TLS asks clients for a certificate (our CA's bundle): operator certificate sign-in works. */
  clientCertificates: boolean;
  /** Days the console audit is kept (at least 180 unless overridden in the serve config). */
  auditRetentionDays: number;
  loginLimiter: LoginRateLimiter;
  scopeOf(user: Pick<UserRecord, 'scope'>): Scope;
  collectorHealth(): CollectorHealthEvent | null;
}

export function scopeCache(topology: Topology): (user: Pick<UserRecord, 'scope'>) => Scope {
  const cache = new Map<string | null, Scope>();
  return (user) => {
    // A scope whose node left the inventory sees nothing rather than everything.
    const root = user.scope;
    let scope = cache.get(root);
    if (!scope) {
      scope = new Scope(topology, root === null ? null : (root as NodeId));
      cache.set(root, scope);
    }
    return scope;
  };
}
