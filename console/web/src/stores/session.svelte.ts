import type {
  ChangePasswordRequest,
  LoginRequest,
  SessionResponse,
  SessionRestriction,
  TotpConfirmResponse,
  TotpBeginRequest,
  TotpEnrolmentResponse,
  UserRole,
  UserView,
} from '../../../shared';
import { api, ApiFailure, onUnauthorized, setCsrfToken } from '../lib/api';

/** What each role may do (mirrors console/server/access.ts GRANTS); the UI offers an action only when the signed-in role may take it. */
const ABILITIES = {
  ack: ['operator', 'pki-admin', 'secadmin'],
  silence: ['operator', 'pki-admin', 'secadmin'],
  certificates: ['pki-admin', 'secadmin'],
  /** The Admin page: each administrator sees the tabs of its own duty (三权分立). */
  admin: ['sysadmin', 'secadmin', 'auditadmin'],
  users: ['sysadmin'],
  accountPolicy: ['sysadmin'],
  host: ['sysadmin'],
  securityPolicy: ['secadmin'],
  audit: ['auditadmin'],
} as const satisfies Record<string, readonly UserRole[]>;
export type Ability = keyof typeof ABILITIES;

export type SessionPhase = 'checking' | 'signed-out' | 'signed-in';

class Session {
  phase = $state<SessionPhase>('checking');
  user = $state.raw<UserView | null>(null);
  expiresAtMs = $state(0);
  /** A step the server asks for before anything else (expired password, mandatory TOTP). */
  restriction = $state<SessionRestriction | null>(null);
  /** Set when the server said the session is gone while the operator was working. */
  expired = $state(false);
  private listeners: Array<(signedIn: boolean) => void> = [];

  constructor() {
    onUnauthorized(() => this.drop(true));
  }

  can(ability: Ability): boolean {
    const role = this.user?.role;
    return role !== undefined && (ABILITIES[ability] as readonly UserRole[]).includes(role);
  }

  /** Notified on every sign-in and sign-out (the stream connects and disconnects on these). */
  subscribe(listener: (signedIn: boolean) => void): void {
    this.listeners.push(listener);
  }

  async restore(): Promise<void> {
    try {
      this.accept(await api.get<SessionResponse>('/api/session'));
    } catch (error) {
      if (error instanceof ApiFailure && (error.status === 401 || error.status === 403)) {
        this.drop(false);
        return;
      }
      throw error;
    }
  }

  /** Ask whether the session still holds (the stream keeps failing); if not, back to the login screen. */
  async verify(): Promise<void> {
    if (this.phase !== 'signed-in') return;
    try {
      await api.get<SessionResponse>('/api/session');
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) this.drop(true);
    }
  }

  async login(request: LoginRequest): Promise<void> {
    this.accept(await api.post<SessionResponse>('/api/session', request));
  }

  /** Sign in with the operator certificate the browser presents in the TLS handshake. */
  async loginWithCertificate(): Promise<void> {
    this.accept(await api.post<SessionResponse>('/api/session/certificate', {}));
  }

  /** Change the signed-in user's own password; the server ends their other sessions and tokens. */
  async changePassword(request: ChangePasswordRequest): Promise<void> {
    await api.put<null>('/api/session/password', request);
    await this.refresh();
  }

  /** A first enrolment needs no body; replacing an enrolled authenticator needs password and a code. */
  beginTotp(proof: TotpBeginRequest = {}): Promise<TotpEnrolmentResponse> {
    return api.post<TotpEnrolmentResponse>('/api/session/totp', proof);
  }

  /** Confirms the enrolment with a first code; the recovery codes come back once. */
  async confirmTotp(code: string): Promise<string[]> {
    const { recoveryCodes } = await api.post<TotpConfirmResponse>('/api/session/totp/confirm', { code });
    return recoveryCodes;
  }

  /** Reads the session again (after a step the server asked for is done). */
  async refresh(): Promise<void> {
    const response = await api.get<SessionResponse>('/api/session');
    const wasRestricted = this.restriction !== null;
    this.user = response.user;
    this.restriction = response.restriction;
    // The step is done: the console starts as after a sign-in.
    if (wasRestricted && this.restriction === null) for (const listener of this.listeners) listener(true);
  }

  async logout(): Promise<void> {
    try {
      await api.del('/api/session');
    } finally {
      this.drop(false);
    }
  }

  private accept(response: SessionResponse): void {
    setCsrfToken(response.csrfToken);
    this.user = response.user;
    this.expiresAtMs = response.expiresAtMs;
    this.restriction = response.restriction;
    this.expired = false;
    this.phase = 'signed-in';
    for (const listener of this.listeners) listener(true);
  }

  private drop(expired: boolean): void {
    const wasSignedIn = this.phase === 'signed-in';
    setCsrfToken(null);
    this.user = null;
    this.phase = 'signed-out';
    if (expired && wasSignedIn) this.expired = true;
    if (wasSignedIn) for (const listener of this.listeners) listener(false);
  }
}

export const session = new Session();
