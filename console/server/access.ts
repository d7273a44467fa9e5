/**
 * Roles and scope: the ONE place that decides who may do what on which part of the network.
 * Every REST route (via its `permission` in the route table), every WebSocket message (stream/hub.ts)
 * and every metrics query (routes/metrics.ts passes `scope.nodeIds()`) asks this module.
 */
import type { Alert, Link, NodeId, VideoLink } from '../../domain';
import type { Topology } from '../../inventory';
import { ADMIN_ROLES, type UserRole } from '../shared';

export const PERMISSIONS = [
  'read',
  'alerts.write',
  'certs.write',
  'users',
  'config',
  'policy',
  'audit',
  'host',
  'tokens',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * viewer reads; operator + ack/silence; pki-admin + issue/revoke. The three administrators are
 * separated (三权分立): sysadmin users, account policy (configuration) and host health; secadmin
 * security policy, alert handling (silences) and certificates; auditadmin reads and exports the
 * audit and changes nothing else.
 */
const GRANTS: Record<UserRole, readonly Permission[]> = {
  viewer: ['read', 'tokens'],
  operator: ['read', 'tokens', 'alerts.write'],
  'pki-admin': ['read', 'tokens', 'alerts.write', 'certs.write'],
  sysadmin: ['read', 'tokens', 'users', 'config', 'host'],
  secadmin: ['read', 'tokens', 'alerts.write', 'certs.write', 'policy'],
  auditadmin: ['read', 'tokens', 'audit'],
};

export const isAdminRole = (role: UserRole): boolean => (ADMIN_ROLES as readonly UserRole[]).includes(role);

export function roleAllows(role: UserRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** A user's view of the network: the subtree under `root` (null = the whole network). */
export class Scope {
  private readonly members: ReadonlySet<NodeId> | null;

  constructor(
    private readonly topology: Topology,
    readonly root: NodeId | null,
  ) {
    this.members = root === null ? null : new Set<NodeId>([root, ...topology.descendants(root)]);
  }

  get isWholeNetwork(): boolean {
    return this.members === null;
  }

  /** A known node inside the scope. Unknown ids and nodeless things are outside any partial scope. */
  allowsNode(id: string): boolean {
    if (!this.topology.has(id)) return false;
    return this.members === null || this.members.has(id);
  }

  /** A link is in scope when both of its ends are (a county never sees the city's side). */
  allowsLink(link: Pick<Link, 'a' | 'b'>): boolean {
    return this.allowsNode(link.a.node) && this.allowsNode(link.b.node);
  }

  /**
   * A video conference link is in scope when either end is: a county's conference link to the city
   * is the county's business too (its far end may be a node the caller does not otherwise see).
   */
  allowsVideoLink(link: Pick<VideoLink, 'a' | 'b'>): boolean {
    return this.allowsNode(link.a) || this.allowsNode(link.b);
  }

  /** An alert is in scope when its node is; alerts without a node belong to the whole network only. */
  allowsAlert(alert: Pick<Alert, 'node'>): boolean {
    return alert.node === null ? this.members === null : this.allowsNode(alert.node);
  }

  /** The node ids a query must be restricted to; null = no restriction. */
  nodeIds(): NodeId[] | null {
    return this.members === null ? null : [...this.members];
  }

  /** True when `inner` (a subtree root a client asks for) lies within this scope. */
  containsSubtree(inner: string): boolean {
    return this.topology.has(inner) && this.allowsNode(inner);
  }
}

interface UserRecordLike {
  role: UserRole;
  scope: string | null;
}

/** A user as user administration sees it: a role and the scope that role applies to. */
export interface Manageable {
  role: UserRole;
  scope: Scope;
}

/**
 * Who may administer whom: only system administrators manage users, and administrators (of any of
 * the three kinds) are managed only by whole-network system administrators. So a county's system
 * administrator manages the county's operators, viewers and PKI admins, never a peer administrator
 * (whose password it could otherwise take over) nor itself.
 */
export function mayManage(actor: Manageable, target: Pick<UserRecordLike, 'role' | 'scope'>): boolean {
  if (!roleAllows(actor.role, 'users')) return false;
  if (actor.scope.isWholeNetwork) return true;
  if (isAdminRole(target.role)) return false;
  return target.scope !== null && actor.scope.allowsNode(target.scope);
}

/** Why `actor` may not give a user this role and scope; null when it may. */
export function grantProblem(actor: Manageable, role: UserRole, scope: string | null): string | null {
  if (actor.scope.isWholeNetwork) return null;
  if (isAdminRole(role))
    return 'only a whole-network system administrator can give the sysadmin, secadmin or auditadmin role';
  if (scope === null || !actor.scope.allowsNode(scope))
    return 'you can only give users a scope inside your own subtree';
  return null;
}
