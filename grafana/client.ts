/**
 * A small client for the parts of Grafana's HTTP API that provisioning needs (folders, data sources,
 * dashboards), authenticated with a service-account token as `Authorization: Bearer`. Every failure
 * becomes a GrafanaError whose message says what failed, where, and what to do — and never contains
 * the token.
 */

export class GrafanaError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when Grafana could not be reached at all. */
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'GrafanaError';
  }
}

export interface GrafanaClientOptions {
  /** Grafana's base URL, e.g. http://grafana:3000 or https://noc.example.gov.cn/grafana. */
  url: string;
  token: string;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface GrafanaHealth {
  database: string;
  version: string;
}

export interface FolderJson {
  uid: string;
  title: string;
  version?: number;
}

export interface DatasourceJson {
  id: number;
  uid: string;
  name: string;
  type: string;
}

export interface DashboardSaveResult {
  id: number;
  uid: string;
  url: string;
  status: string;
  version: number;
}

export interface StoredDashboard {
  dashboard: Record<string, unknown>;
  meta: { folderUid?: string; version?: number };
}

type Method = 'GET' | 'POST' | 'PUT';

/** What each request is for, in words an operator understands when it fails. */
interface Purpose {
  what: string;
  /** The role a token needs for this request (said on 403). */
  role: 'Viewer' | 'Editor' | 'Admin';
}

export class GrafanaClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(opts: GrafanaClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch {
      throw new GrafanaError(
        `Grafana URL "${opts.url}" is not a URL (expected e.g. http://grafana:3000)`,
        null,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new GrafanaError(`Grafana URL "${opts.url}" must start with http:// or https://`, null);
    }
    if (opts.token.trim() === '') {
      throw new GrafanaError(
        'Grafana token is empty: create a service account token (role Admin) in Grafana',
        null,
      );
    }
    this.baseUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /**
   * GET /api/health (no auth needed): proves the URL is a Grafana before anything is written, and
   * tells its version.
   */
  async health(): Promise<GrafanaHealth> {
    const health = await this.mustRequest<Partial<GrafanaHealth>>('GET', '/api/health', undefined, {
      what: 'check its health',
      role: 'Viewer',
    });
    if (typeof health.version !== 'string' || typeof health.database !== 'string') {
      throw new GrafanaError(
        `${this.baseUrl}/api/health did not answer like Grafana (no version/database): check the URL and its sub-path`,
        null,
      );
    }
    if (health.database !== 'ok') {
      throw new GrafanaError(
        `Grafana at ${this.baseUrl} reports its database as "${health.database}": fix Grafana first`,
        null,
      );
    }
    return { database: health.database, version: health.version };
  }

  /** GET /api/folders/:uid; null when there is no such folder. */
  async getFolder(uid: string): Promise<FolderJson | null> {
    return this.request<FolderJson>(
      'GET',
      `/api/folders/${encodeURIComponent(uid)}`,
      undefined,
      {
        what: `read folder "${uid}"`,
        role: 'Viewer',
      },
      true,
    );
  }

  async createFolder(folder: { uid: string; title: string }): Promise<FolderJson> {
    return this.mustRequest<FolderJson>('POST', '/api/folders', folder, {
      what: `create folder "${folder.uid}"`,
      role: 'Editor',
    });
  }

  async updateFolder(folder: { uid: string; title: string }): Promise<FolderJson> {
    return this.mustRequest<FolderJson>(
      'PUT',
      `/api/folders/${encodeURIComponent(folder.uid)}`,
      { title: folder.title, overwrite: true },
      { what: `update folder "${folder.uid}"`, role: 'Editor' },
    );
  }

  /** GET /api/datasources/uid/:uid; null when there is no such data source. */
  async getDatasource(uid: string): Promise<DatasourceJson | null> {
    return this.request<DatasourceJson>(
      'GET',
      `/api/datasources/uid/${encodeURIComponent(uid)}`,
      undefined,
      {
        what: `read data source "${uid}"`,
        role: 'Admin',
      },
      true,
    );
  }

  async createDatasource(body: { uid: string; name: string }): Promise<void> {
    await this.mustRequest('POST', '/api/datasources', body, {
      what: `create data source "${body.uid}"`,
      role: 'Admin',
    });
  }

  async updateDatasource(body: { uid: string; name: string }): Promise<void> {
    await this.mustRequest('PUT', `/api/datasources/uid/${encodeURIComponent(body.uid)}`, body, {
      what: `update data source "${body.uid}"`,
      role: 'Admin',
    });
  }

  /** GET /api/dashboards/uid/:uid; null when there is no such dashboard. */
  async getDashboard(uid: string): Promise<StoredDashboard | null> {
    return this.request<StoredDashboard>(
      'GET',
      `/api/dashboards/uid/${encodeURIComponent(uid)}`,
      undefined,
      {
        what: `read dashboard "${uid}"`,
        role: 'Viewer',
      },
      true,
    );
  }

  /** POST /api/dashboards/db with overwrite: creates the dashboard or replaces the one with its uid. */
  async saveDashboard(
    dashboard: { uid: string; title: string },
    folderUid: string,
    message: string,
  ): Promise<DashboardSaveResult> {
    return this.mustRequest<DashboardSaveResult>(
      'POST',
      '/api/dashboards/db',
      { dashboard: { ...dashboard, id: null }, folderUid, message, overwrite: true },
      { what: `save dashboard "${dashboard.uid}"`, role: 'Editor' },
    );
  }

  private async mustRequest<T>(method: Method, path: string, body: unknown, purpose: Purpose): Promise<T> {
    const result = await this.request<T>(method, path, body, purpose, false);
    if (result === null)
      throw new GrafanaError(`Grafana at ${this.baseUrl}: ${purpose.what} returned no body`, null);
    return result;
  }

  private async request<T>(
    method: Method,
    path: string,
    body: unknown,
    purpose: Purpose,
    notFoundIsNull: boolean,
  ): Promise<T | null> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new GrafanaError(
        `cannot reach Grafana at ${this.baseUrl} to ${purpose.what}: ${this.networkReason(error)}`,
        null,
      );
    }
    const text = await response.text();
    if (response.ok) {
      if (text.trim() === '') return null;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new GrafanaError(
          `Grafana at ${this.baseUrl} answered ${method} ${path} with something that is not JSON: is this URL Grafana (not a proxy login page)?`,
          response.status,
        );
      }
    }
    if (response.status === 404 && notFoundIsNull) return null;
    throw new GrafanaError(
      this.describeFailure(response.status, method, path, text, purpose),
      response.status,
    );
  }

  private describeFailure(
    status: number,
    method: Method,
    path: string,
    text: string,
    purpose: Purpose,
  ): string {
    const where = `Grafana at ${this.baseUrl}`;
    const said = this.serverMessage(text);
    const detail = said === '' ? '' : ` (Grafana said: ${said})`;
    if (status >= 300 && status < 400) {
      return `${where} redirected ${method} ${path} (${status}): use Grafana's own URL, including any sub-path it is served under`;
    }
    switch (status) {
      case 400:
        return `${where} rejected the request to ${purpose.what} as invalid (400)${detail}`;
      case 401:
        return `${where} did not accept the token (401 Unauthorized)${detail}: check --token / GRAFANA_TOKEN is a current service account token for this Grafana`;
      case 403:
        return `${where} refused to ${purpose.what} (403 Forbidden)${detail}: the token's service account needs the ${purpose.role} role`;
      case 404:
        return `${where} has no ${method} ${path} (404 Not Found)${detail}: check the URL points at Grafana (and its sub-path), version 9 or newer`;
      case 409:
        return `${where} could not ${purpose.what}: a conflicting object exists (409 Conflict)${detail}: rename or delete the other one in Grafana`;
      case 412:
        return `${where} could not ${purpose.what}: ${this.preconditionReason(text)} (412 Precondition Failed)${detail}`;
      default:
        if (status >= 500) {
          return `${where} failed to ${purpose.what} (${status} server error)${detail}: see Grafana's log; retry when it is healthy`;
        }
        return `${where} answered ${status} to ${method} ${path} while trying to ${purpose.what}${detail}`;
    }
  }

  private preconditionReason(text: string): string {
    const status = this.field(text, 'status') ?? '';
    switch (status) {
      case 'version-mismatch':
        return 'it was changed in Grafana since it was read (version-mismatch); run provision again';
      case 'name-exists':
        return 'another dashboard with the same title exists in the folder (name-exists); rename or delete it';
      case 'plugin-dashboard':
        return 'a plugin owns a dashboard with this uid (plugin-dashboard)';
      default:
        return 'Grafana refused the change';
    }
  }

  /** Grafana's `message` field, cut short and with the token removed should a server ever echo it. */
  private serverMessage(text: string): string {
    const message = this.field(text, 'message') ?? text.trim();
    return message.split(this.token).join('***').slice(0, 300);
  }

  private field(text: string, name: string): string | undefined {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && name in parsed) {
        const value = (parsed as Record<string, unknown>)[name];
        return typeof value === 'string' ? value : undefined;
      }
    } catch {
      // not JSON: the caller falls back to the raw text
    }
    return undefined;
  }

  private networkReason(error: unknown): string {
    const cause =
      error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return `no answer within ${this.timeoutMs} ms`;
    }
    switch (cause?.code ?? '') {
      case 'ECONNREFUSED':
        return 'connection refused (is Grafana running and listening on that port?)';
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return 'host name not found';
      case 'ECONNRESET':
        return 'connection reset';
      default:
        return cause?.message ?? (error instanceof Error ? error.message : String(error));
    }
  }
}
