import type {
  ApiTokensResponse,
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

  loadAudit = (older = false) =>
    this.run(async () => {
      const before = older ? this.audit.at(-1)?.id : undefined;
      const page = (await api.get<AuditResponse>(`/api/audit${query({ limit: 100, before })}`)).records;
      this.audit = older ? [...this.audit, ...page] : page;
      this.auditComplete = page.length < 100;
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
