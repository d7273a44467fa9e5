import type {
  ApiTokensResponse,
  AuditActionsResponse,
  ApiTokenView,
  AuditRecord,
  AuditResponse,
  CreateUserRequest,
  HostHealthResponse,
  Silence,
  SilenceRequest,
  UpdateUserRequest,
  UsersResponse,
  UserView,
} from '../../../shared';
import { api, query } from '../lib/api';
import { networkTime } from '../lib/network-time.svelte';

/** The audit filter as the operator types it; from/to are datetime-local values in the network's zone. */
export interface AuditFilter {
  action: string;
  q: string;
  from: string;
  to: string;
}

const AUDIT_PAGE = 100;

/** A datetime-local value read in the network's zone (not the browser's), as epoch ms. */
function networkLocalMs(value: string): number | undefined {
  if (value === '') return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? undefined : ms - networkTime.utcOffsetMin * 60_000;
}

function auditParams(filter: AuditFilter): Record<string, string | number | undefined> {
  return {
    action: filter.action,
    q: filter.q.trim(),
    from: networkLocalMs(filter.from),
    to: networkLocalMs(filter.to),
  };
}

/** Users, silences, audit log and host health for the admin screen. */
class AdminData {
  users = $state.raw<UserView[]>([]);
  /** Notes for administrators from the server (e.g. how old admin accounts were migrated). */
  notices = $state.raw<string[]>([]);
  silences = $state.raw<Silence[]>([]);
  audit = $state.raw<AuditRecord[]>([]);
  auditComplete = $state(false);
  host = $state.raw<HostHealthResponse | null>(null);
  /** The API tokens of the one user whose tokens are open on the users tab. */
  tokens = $state.raw<{ username: string; list: ApiTokenView[] } | null>(null);
  failure = $state<string | null>(null);

  private async run(task: () => Promise<void>): Promise<void> {
    try {
      await task();
      this.failure = null;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  loadUsers = () =>
    this.run(async () => {
      const response = await api.get<UsersResponse>('/api/users');
      this.users = response.users;
      this.notices = response.notices;
    });

  loadSilences = () =>
    this.run(async () => {
      this.silences = (await api.get<{ silences: Silence[] }>('/api/silences')).silences;
    });

  loadHost = () =>
    this.run(async () => {
      this.host = await api.get<HostHealthResponse>('/api/admin/host');
    });

  /** The filter of the records shown; the server applies it to the whole audit, page by page. */
  auditFilter = $state<AuditFilter>({ action: '', q: '', from: '', to: '' });
  /** Every action in the audit the caller may read (from the server, not from the loaded page). */
  auditActions = $state.raw<string[]>([]);
  auditLoading = $state(false);
  /** The query string of the records shown (read by the browser tests to know a filter has applied). */
  auditApplied = $state('');
  /** Answers belong to the filter asked last; one for an older filter arriving late is dropped. */
  private auditGeneration = 0;

  /** The newest page matching the filter (merged into the current one), and the list of actions. */
  loadAudit = (filter: Partial<AuditFilter> = {}) =>
    this.run(async () => {
      Object.assign(this.auditFilter, filter);
      const generation = ++this.auditGeneration;
      const params = auditParams(this.auditFilter);
      this.auditLoading = true;
      try {
        const [page, actions] = await Promise.all([
          api.get<AuditResponse>(`/api/audit${query({ ...params, limit: AUDIT_PAGE })}`),
          api.get<AuditActionsResponse>('/api/audit/actions'),
        ]);
        if (generation !== this.auditGeneration) return;
        this.audit = page.records;
        this.auditApplied = query(params);
        this.auditComplete = page.records.length < AUDIT_PAGE;
        this.auditActions = actions.actions;
      } finally {
        if (generation === this.auditGeneration) this.auditLoading = false;
      }
    });

  /** The next older page within the same filter. */
  loadOlderAudit = () =>
    this.run(async () => {
      const generation = this.auditGeneration;
      const before = this.audit.at(-1)?.id;
      const params = auditParams(this.auditFilter);
      const page = (
        await api.get<AuditResponse>(`/api/audit${query({ ...params, limit: AUDIT_PAGE, before })}`)
      ).records;
      if (generation !== this.auditGeneration) return;
      this.audit = [...this.audit, ...page];
      this.auditComplete = page.length < AUDIT_PAGE;
    });

  async createUser(request: CreateUserRequest): Promise<void> {
    await api.post('/api/users', request);
    await this.loadUsers();
  }

  async updateUser(username: string, change: UpdateUserRequest): Promise<void> {
    await api.patch(`/api/users/${encodeURIComponent(username)}`, change);
    await this.loadUsers();
  }

  loadTokens = (username: string) =>
    this.run(async () => {
      const path = `/api/users/${encodeURIComponent(username)}/tokens`;
      this.tokens = { username, list: (await api.get<ApiTokensResponse>(path)).tokens };
    });

  closeTokens(): void {
    this.tokens = null;
  }

  async revokeToken(username: string, id: number): Promise<void> {
    await api.del(`/api/users/${encodeURIComponent(username)}/tokens/${id}`);
    await this.loadTokens(username);
  }

  async createSilence(request: SilenceRequest): Promise<void> {
    await api.post('/api/silences', request);
    await this.loadSilences();
  }

  async deleteSilence(id: string): Promise<void> {
    await api.del(`/api/silences/${encodeURIComponent(id)}`);
    await this.loadSilences();
  }
}

export const admin = new AdminData();
