/**
 * The one source of truth for what the console server and the web app say to each other:
 * REST request/response bodies under /api and WebSocket messages on /api/stream.
 * Server validates inbound bodies with zod schemas built to match these types; the web imports them.
 * Changes here are additive; docs/websocket.md documents the stream.
 */
import type {
  Alert,
  AlertChange,
  AlertFilter,
  DeviceRole,
  Medium,
  SecurityCategory,
  SecurityEvent,
  ServiceCheckFailure,
  ServiceCheckKind,
  Severity,
  Silence,
  SilenceMatcher,
  Tier,
  Zone,
} from '../../domain';

export type {
  Alert,
  AlertChange,
  AlertFilter,
  SecurityCategory,
  SecurityEvent,
  Severity,
  Silence,
  SilenceMatcher,
};

// The county rule is the domain's (reports and the asset register use it too); the browser imports it here.
export { cityOf, countyOf, isCountyLevel, type NodeLookup, type TreeNode } from '../../domain';

export * from './assets';
export * from './unmanaged';
export * from './totp';

// ---------- errors ----------
/** Every non-2xx response body. 5xx carry a generic message and the correlation id of the log line. */
export interface ApiError {
  error: { code: string; message: string; field?: string; correlationId?: string };
}

// ---------- identity ----------
/**
 * What a console user may do (not a device's role: see DEVICE_ROLES in domain/). The three
 * administrator roles are separated (三权分立): users and configuration (sysadmin), security policy,
 * rules and PKI policy (secadmin), the audit (auditadmin). An account holds exactly one role.
 */
export const USER_ROLES = ['viewer', 'operator', 'pki-admin', 'sysadmin', 'secadmin', 'auditadmin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const ADMIN_ROLES = ['sysadmin', 'secadmin', 'auditadmin'] as const satisfies readonly UserRole[];
export type AdminRole = (typeof ADMIN_ROLES)[number];
/** Roles a mandatory second factor applies to (security policy `totpRequired`). */
export const SECOND_FACTOR_ROLES = [...ADMIN_ROLES, 'pki-admin'] as const satisfies readonly UserRole[];

export interface UserView {
  username: string;
  displayName: string;
  role: UserRole;
  /** Root node of the subtree the user sees and acts on; null = the whole network. */
  scope: string | null;
  /** Display path of the scope root, for the header ("南阳市 / 淅川县"). */
  scopePath: string[];
  createdAtMs: number;
  lastLoginMs: number | null;
  locked: boolean;
  /** A TOTP second factor is enrolled and confirmed. */
  totpEnabled: boolean;
  /** When the password must be changed (account policy expiry); null = never. */
  passwordExpiresAtMs: number | null;
  /** Subject CN of the operator certificate this user signs in with (mutual TLS); null = none bound. */
  certificateName: string | null;
}
/** POST /api/session. `totpCode`: a 6-digit code or a recovery code, when the user has TOTP. */
export interface LoginRequest {
  username: string;
  password: string;
  totpCode?: string;
}
/**
 * A signed-in session that may only finish a step before it can do anything else: change an expired
 * password, or enrol TOTP that the security policy makes mandatory for the user's role.
 */
export type SessionRestriction = 'password-expired' | 'totp-enrolment';
/** POST/GET /api/session. The session itself is an httpOnly cookie; send csrfToken as x-csrf-token. */
export interface SessionResponse {
  user: UserView;
  csrfToken: string;
  expiresAtMs: number;
  /** Minutes without a request after which the session ends (account policy). */
  idleTimeoutMin: number;
  /** null: a full session; otherwise only that step's routes answer (others: 403 with its code). */
  restriction: SessionRestriction | null;
  /** How this session was opened. */
  method: 'password' | 'password+totp' | 'certificate';
}
/** Password and session rules (system administrator). */
export interface AccountPolicy {
  minLength: number;
  /** How many of: lower case, upper case, digits, other characters. */
  minClasses: number;
  /** Days a password lives; 0 = never expires. */
  expiryDays: number;
  /** A new password may not repeat any of the last N. */
  historyCount: number;
  idleTimeoutMin: number;
  lockoutAttempts: number;
  lockoutMinutes: number;
}
/** Second-factor rules (security administrator). */
export interface SecurityPolicy {
  /** System, security and audit administrators and PKI administrators must use TOTP. */
  totpRequired: boolean;
}
/** GET /api/policy */
export interface PoliciesResponse {
  account: AccountPolicy;
  security: SecurityPolicy;
  /** Days the console audit is kept (serve config `auditRetentionDays`; at least 180 unless overridden). */
  auditRetentionDays: number;
}
/** POST /api/users */
export interface CreateUserRequest {
  username: string;
  displayName: string;
  role: UserRole;
  scope: string | null;
  password: string;
}
/** PATCH /api/users/:username */
export interface UpdateUserRequest {
  displayName?: string;
  role?: UserRole;
  scope?: string | null;
  password?: string;
  locked?: boolean;
  /** Operator certificate subject CN to sign in with over mutual TLS; null unbinds. */
  certificateName?: string | null;
  /** false: remove the user's TOTP (an administrator's reset; the user enrols again). */
  totp?: false;
}
/** GET /api/users */
export interface UsersResponse {
  users: UserView[];
  /** Notes the administrators should read, e.g. how old `admin` accounts were migrated (三权分立). */
  notices: string[];
}

/** PUT /api/session/password: users change their own password (ends their other sessions, revokes their tokens). */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

/**
 * GET /api/tokens: the caller's API tokens (POST /api/tokens creates one, DELETE /api/tokens/:id
 * revokes); GET /api/users/:username/tokens and DELETE /api/users/:username/tokens/:id for admins.
 */
export interface ApiTokenView {
  id: number;
  username: string;
  name: string;
  createdAtMs: number;
  lastUsedMs: number | null;
}
export interface ApiTokensResponse {
  tokens: ApiTokenView[];
}
/** POST /api/tokens */
export interface CreateApiTokenRequest {
  name: string;
}
/** The token is shown once; send it as `Authorization: Bearer <token>` (no CSRF token needed). */
export interface CreateApiTokenResponse {
  token: string;
  record: ApiTokenView;
}

// ---------- topology and live state ----------
export interface TopologyNodeView {
  id: string;
  name: string;
  tier: Tier;
  zone: Zone;
  role: DeviceRole;
  vendor: string;
  model: string;
  address: string;
  parent: string | null;
  location: string;
  pollIntervalS: number;
}
export interface LinkView {
  id: string;
  a: { node: string; interface: string };
  b: { node: string; interface: string };
  capacityMbps: number;
  medium: Medium;
}
export interface VideoLinkView {
  id: string;
  name: string;
  a: string;
  b: string;
  probe: string;
  meetings: Array<{
    title: string;
    start?: string;
    end?: string;
    days?: string[];
    from?: string;
    to?: string;
  }>;
}
/** GET /api/topology (only the caller's subtree) */
export interface TopologyResponse {
  network: { id: string; name: string; domain: string };
  nodes: TopologyNodeView[];
  /** Links with both ends in the caller's subtree. */
  links: LinkView[];
  /** Video links with either end in the subtree: the far end (e.g. the city MCU) may not be in `nodes`. */
  videoLinks: VideoLinkView[];
  /**
   * The network's local time, minutes east of UTC (the alert rules' `utcOffsetMin`, 480 = China
   * Standard Time): the console shows every time and meeting in it, whatever the browser's zone.
   */
  utcOffsetMin: number;
}

export type Reachability = 'reachable' | 'unreachable' | 'unknown';

export interface NodeLiveState {
  id: string;
  reachability: Reachability;
  /** When the node last answered a poll; null = never. */
  lastSeenMs: number | null;
  /** True when the newest data is older than 2 poll intervals (dead data is never shown as live). */
  stale: boolean;
  /** Worst open alert severity on the node itself, if any. */
  worstSeverity: Severity | null;
  /** Set when the node is cut off behind a root-cause alert. */
  impactedBy: string | null;
  /** Set when the node is itself a root cause. */
  rootCauseAlertId: string | null;
  cpuPct: number | null;
}
export interface LinkLiveState {
  id: string;
  state: 'up' | 'down' | 'unknown';
  /** Max of in/out utilization % at the latest poll. */
  utilPct: number | null;
  updatedMs: number | null;
  /** No reading for over two poll intervals of its ends: its utilization is not shown as current. */
  stale?: boolean;
}
/** GET /api/state */
export interface LiveStateResponse {
  nodes: NodeLiveState[];
  links: LinkLiveState[];
  serverTimeMs: number;
}

// ---------- overview (GET /api/overview; the status rules server and browser share) ----------
export * from './node-status';
export * from './status-rollup';
export * from './overview';
export * from './overview-wire';

// ---------- node detail ----------
export interface InterfaceLive {
  ifIndex: number;
  name: string;
  speedMbps: number;
  /** The newest state known: a trap or poll-seen change newer than the last reading wins. */
  operUp: boolean | null;
  /** ifAdminStatus: false = shut by an operator (down on purpose, not a fault); null = not reported. */
  adminUp: boolean | null;
  inBps: number | null;
  outBps: number | null;
  inUtilPct: number | null;
  outUtilPct: number | null;
  errorsPs: number | null;
  updatedMs: number | null;
  /** The inventory link on this interface, if any. */
  linkId: string | null;
  peer: string | null;
}
/** A node's hardware as its vendor's own MIBs report it (collector/profiles); null before the first reading. */
export interface NodeHardwareView {
  /** The device profile the collector matched (huawei-vrp, h3c-comware, cisco-ios, net-snmp-linux …). */
  profile: string;
  temperatureC: number | null;
  /** ENTITY-MIB chassis row, read every 10 polls; null until then or on devices without ENTITY-MIB. */
  chassis: {
    model: string;
    serial: string;
    hardwareRev: string;
    firmwareRev: string;
    softwareRev: string;
  } | null;
  components: Array<{ component: 'fan' | 'psu'; name: string; ok: boolean }>;
  optics: Array<{ name: string; rxDbm: number | null; txDbm: number | null }>;
}
/** A service check on the node (collector/checks): its newest run. */
export interface NodeServiceCheckView {
  check: string;
  kind: ServiceCheckKind;
  /** What is checked, without credentials or query string. */
  target: string;
  up: boolean;
  reason: ServiceCheckFailure | null;
  /** Language-neutral specifics: an HTTP status, a TLS error code, addresses, a loss %. */
  detail: string | null;
  latencyMs: number | null;
  /** When `up` last changed. */
  sinceMs: number;
  lastRunMs: number;
  defaced: boolean | null;
  stale: boolean | null;
  certificateDaysLeft: number | null;
}
/** GET /api/nodes/:id */
export interface NodeDetailResponse {
  node: TopologyNodeView;
  path: string[];
  state: NodeLiveState;
  interfaces: InterfaceLive[];
  cpuPct: number | null;
  memPct: number | null;
  uptimeS: number | null;
  storage: Array<{ storage: string; usedPct: number; sizeBytes: number }>;
  hardware: NodeHardwareView | null;
  /** Service checks attached to the node, newest run each (empty when none are declared). */
  services: NodeServiceCheckView[];
  certificates: CertificateView[];
  recentAlerts: Alert[];
}

// ---------- video ----------
export interface VideoLinkLive {
  id: string;
  name: string;
  a: string;
  b: string;
  rttMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  mos: number | null;
  updatedMs: number | null;
  /** The meeting on this link right now, if any. */
  meetingNow: string | null;
  nextMeeting: { title: string; startsAtMs: number } | null;
}
/** GET /api/video-links */
export interface VideoLinksResponse {
  links: VideoLinkLive[];
}

// ---------- metrics ----------
/** GET /api/metrics?measurement=&field=&node=&ifIndex=&link=&fromMs=&toMs=&stepS=&agg= */
export interface MetricsResponse {
  series: Array<{ tags: Record<string, string>; points: Array<[number, number]> }>;
}

// ---------- alerts ----------
/** GET /api/alerts (query: status, minSeverity, zone, tier, node, text, includeSuppressed, limit) */
export interface AlertsResponse {
  alerts: Alert[];
  /** The stream seq this list is consistent with. */
  seq: number;
}
/** GET /api/alerts/:id returns one Alert (404 outside the caller's scope). */
/** POST /api/alerts/:id/ack and /unack */
export interface AckRequest {
  comment: string;
  /** Ack only: planned work (outage kinds only); the report counts the outage as maintenance. */
  planned?: boolean;
}
/** POST /api/silences; PUT /api/silences/:id */
export interface SilenceRequest {
  matchers: SilenceMatcher[];
  startsAtMs: number;
  endsAtMs: number;
  reason: string;
  recurrence?: Silence['recurrence'];
}

// ---------- certificates ----------
/** Profiles an administrator may request; OCSP-signer and CA certificates are the CA's own business. */
export const CERT_PROFILES = ['router', 'server', 'vc-endpoint', 'operator'] as const;
export type CertProfile = (typeof CERT_PROFILES)[number];
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'caCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface CertificateView {
  serial: string;
  subject: string;
  node: string | null;
  profile: CertProfile;
  issuer: string;
  notBeforeMs: number;
  notAfterMs: number;
  status: 'valid' | 'revoked' | 'expired';
  revokedAtMs: number | null;
  revocationReason: RevocationReason | null;
  sans: string[];
  keyType: string;
}
/** GET /api/certificates?text=&node=&status= */
export interface CertificatesResponse {
  certificates: CertificateView[];
}
/** POST /api/certificates */
export type IssueCertificateRequest =
  | { node: string; profile: CertProfile; csrPem: string }
  | {
      node: string;
      profile: CertProfile;
      generate: { keyType: 'rsa-2048' | 'ecdsa-p256' | 'ecdsa-p384' | 'sm2'; p12Password?: string };
    };
export interface IssueCertificateResponse {
  certificate: CertificateView;
  certPem: string;
  chainPem: string;
  /** Only with server-side key generation, returned once and never stored in clear. */
  keyPem?: string;
  p12Base64?: string;
}
/**
 * GET /api/certificates/:serial/pem: the certificate followed by its issuing chain (PEM text).
 * PKCS#12 exists only at issuance (IssueCertificateResponse.p12Base64 when generate.p12Password was
 * given): node private keys are never stored, so there is no later PKCS#12 download.
 */
/**
 * GET /api/certificates/authorities: the CA's own certificates (root, branch CAs, OCSP responders),
 * with their expiry. They are the CA's business: the console never revokes them.
 */
export interface CaCertificateView {
  id: string;
  kind: 'root' | 'branch' | 'ocsp';
  name: string;
  subject: string;
  /** The authority that signed it; null for a root. */
  issuer: string | null;
  notAfterMs: number;
  /** The key suite of a root or branch authority: a node key it signs must be of the same suite. */
  keySuite?: CaKeySuite;
}
/** 'sm2': a 国密 hierarchy that issues only to SM2 keys; 'rsa-ecdsa': RSA and ECDSA keys. */
export type CaKeySuite = 'sm2' | 'rsa-ecdsa';
export interface CaCertificatesResponse {
  authorities: CaCertificateView[];
}
/** POST /api/certificates/:serial/renew: same node, profile and names, a new server-generated key (returned once). */
export interface RenewCertificateRequest {
  p12Password?: string;
}
/** POST /api/certificates/:serial/revoke */
export interface RevokeRequest {
  reason: RevocationReason;
}

// ---------- audit and admin ----------
export interface AuditRecord {
  id: number;
  atMs: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  from: string;
}
/** GET /api/audit?limit=&before=&actor=&action=&q=&from=&to= */
export interface AuditResponse {
  records: AuditRecord[];
}
/** GET /api/audit/actions: every action name in the audit the caller may read. */
export interface AuditActionsResponse {
  actions: string[];
}
/** An audit record as exported and verified: with its place in the hash chain. */
export interface ChainedAuditRecord extends AuditRecord {
  prevHash: string;
  hash: string;
}
/** GET /api/audit/verify */
export type AuditVerifyResponse =
  | { ok: true; entries: number; firstId: number | null; lastId: number | null }
  | { ok: false; entryId: number; line: number; reason: string };
/** GET /api/admin/host (admin) */
export interface HostHealthResponse {
  cpuPct: number;
  memPct: number;
  diskPct: number;
  uptimeS: number;
  collector: { pollsPs: number; storeUp: boolean; spoolPoints: number; droppedPoints: number } | null;
  atMs: number;
}

// ---------- security events (device logs) ----------
/** GET /api/security-events: newest first (event time, then id), only the caller's nodes. */
export interface SecurityEventsResponse {
  events: SecurityEvent[];
  /** Pass as `cursor` for the next (older) page; null when this was the last. */
  nextCursor: string | null;
}

/** Events of one county's subtree (county null: nodes under no county, and unknown senders). */
export interface CountySecurityCount {
  county: string | null;
  /** The county's display name (null with county null). */
  name: string | null;
  total: number;
  byCategory: Partial<Record<SecurityCategory, number>>;
}

/** GET /api/security-events/summary: counts per county and category, top source addresses. */
export interface SecurityEventsSummaryResponse {
  sinceMs: number;
  untilMs: number;
  /** Most events first. */
  counties: CountySecurityCount[];
  /** Most frequent source addresses first. */
  topSources: Array<{ sourceAddress: string; count: number }>;
}

// ---------- WebSocket /api/stream ----------
export interface StreamFilter {
  zones?: Zone[];
  tiers?: Tier[];
  /** Subtree root; must lie within the user's scope. */
  subtree?: string;
  minSeverity?: Severity;
  /** Also send each security event (device log line) of the nodes in view as it arrives. */
  securityEvents?: boolean;
}
export type ClientMessage =
  { type: 'subscribe'; filter: StreamFilter; resumeFrom?: number } | { type: 'ping'; atMs: number };

export type ServerMessage =
  | {
      type: 'snapshot';
      seq: number;
      alerts: Alert[];
      nodes: NodeLiveState[];
      links: LinkLiveState[];
      serverTimeMs: number;
    }
  | { type: 'alert'; seq: number; change: AlertChange; alert: Alert }
  | { type: 'node.state'; seq: number; node: NodeLiveState }
  | { type: 'link.state'; seq: number; link: LinkLiveState }
  /**
   * Live only (no seq, not replayed on resume): search /api/security-events for what was missed.
   * `skipped`: events this client would have seen since the previous one but did not get (more
   * than its per-second share, or its buffer was full).
   */
  | { type: 'security.event'; event: SecurityEvent; skipped?: number }
  | { type: 'heartbeat'; seq: number; serverTimeMs: number }
  | { type: 'resync'; reason: string }
  | { type: 'pong'; atMs: number }
  | { type: 'error'; message: string };

// ---------- reports ----------
export * from './reports';
