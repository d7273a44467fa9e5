/**
 * A fake Grafana HTTP server implementing the documented shapes of the API calls egov-noc makes
 * (folders, data sources by uid, dashboards by uid, POST /api/dashboards/db), with Grafana's status
 * codes and JSON error bodies. It records every request and can be told to fail a given call.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

interface StoredDashboard {
  id: number;
  version: number;
  folderUid: string;
  dashboard: Record<string, unknown>;
}

interface Injected {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export class FakeGrafana {
  readonly requests: RecordedRequest[] = [];
  readonly folders = new Map<string, { id: number; uid: string; title: string; version: number }>();
  readonly datasources = new Map<
    string,
    Record<string, unknown> & { id: number; uid: string; name: string }
  >();
  readonly dashboards = new Map<string, StoredDashboard>();
  private readonly injected: Injected[] = [];
  private nextId = 1;
  private server: Server | null = null;
  /** What GET /api/health reports. */
  version = '12.2.0';
  /** When set, requests are accepted but never answered (for timeout tests). */
  hang = false;

  constructor(readonly token: string) {}

  /** Make the next matching request fail with this status and JSON body. */
  failNext(method: string, path: string, status: number, body: unknown): void {
    this.injected.push({ method, path, status, body });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(0, '127.0.0.1', resolve);
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        this.send(res, 400, { message: 'bad request data' });
        return;
      }
    }
    this.requests.push({
      method,
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    if (this.hang) return;

    // GET /api/health needs no authentication in Grafana.
    if (method === 'GET' && path === '/api/health') {
      const injected = this.takeInjected(method, path);
      if (injected !== undefined) return this.send(res, injected.status, injected.body);
      return this.send(res, 200, { commit: 'fake', database: 'ok', version: this.version });
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.send(res, 401, { message: 'invalid API key', traceID: '' });
      return;
    }
    const injected = this.takeInjected(method, path);
    if (injected !== undefined) return this.send(res, injected.status, injected.body);
    this.route(method, path, body, res);
  }

  private takeInjected(method: string, path: string): Injected | undefined {
    const at = this.injected.findIndex((i) => i.method === method && i.path === path);
    return at < 0 ? undefined : this.injected.splice(at, 1)[0];
  }

  private route(method: string, path: string, body: unknown, res: ServerResponse): void {
    const input = (body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;

    if ((m = /^\/api\/folders\/([^/]+)$/.exec(path)) !== null) {
      const uid = decodeURIComponent(m[1] ?? '');
      const folder = this.folders.get(uid);
      if (method === 'GET') {
        if (folder === undefined)
          return this.send(res, 404, { message: 'folder not found', status: 'not-found' });
        return this.send(res, 200, { ...folder, url: `/dashboards/f/${uid}/` });
      }
      if (method === 'PUT') {
        if (folder === undefined)
          return this.send(res, 404, { message: 'folder not found', status: 'not-found' });
        if (typeof input.title !== 'string') return this.send(res, 400, { message: 'title is required' });
        folder.title = input.title;
        folder.version += 1;
        return this.send(res, 200, folder);
      }
    }
    if (path === '/api/folders' && method === 'POST') {
      const uid = input.uid;
      const title = input.title;
      if (typeof uid !== 'string' || typeof title !== 'string')
        return this.send(res, 400, { message: 'uid and title are required' });
      if (this.folders.has(uid))
        return this.send(res, 409, { message: 'a folder with the same uid already exists' });
      const folder = { id: this.nextId++, uid, title, version: 1 };
      this.folders.set(uid, folder);
      return this.send(res, 200, { ...folder, url: `/dashboards/f/${uid}/` });
    }

    if ((m = /^\/api\/datasources\/uid\/([^/]+)$/.exec(path)) !== null) {
      const uid = decodeURIComponent(m[1] ?? '');
      const existing = this.datasources.get(uid);
      if (existing === undefined) return this.send(res, 404, { message: 'Data source not found' });
      if (method === 'GET') {
        const { secureJsonData: _secret, ...visible } = existing;
        return this.send(res, 200, { ...visible, secureJsonFields: { password: _secret !== undefined } });
      }
      if (method === 'PUT') {
        if (typeof input.name !== 'string' || typeof input.type !== 'string') {
          return this.send(res, 400, { message: 'name and type are required' });
        }
        const updated = { ...input, id: existing.id, uid, name: input.name };
        this.datasources.set(uid, updated);
        return this.send(res, 200, {
          datasource: updated,
          id: existing.id,
          message: 'Datasource updated',
          name: input.name,
        });
      }
    }
    if (path === '/api/datasources' && method === 'POST') {
      const { name, type, uid } = input;
      if (typeof name !== 'string' || typeof type !== 'string' || typeof uid !== 'string') {
        return this.send(res, 400, { message: 'name, type and uid are required' });
      }
      if ([...this.datasources.values()].some((ds) => ds.name === name) || this.datasources.has(uid)) {
        return this.send(res, 409, { message: 'data source with the same name already exists' });
      }
      const created = { ...input, id: this.nextId++, uid, name };
      this.datasources.set(uid, created);
      return this.send(res, 200, { datasource: created, id: created.id, message: 'Datasource added', name });
    }

    if ((m = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path)) !== null && method === 'GET') {
      const stored = this.dashboards.get(decodeURIComponent(m[1] ?? ''));
      if (stored === undefined) return this.send(res, 404, { message: 'Dashboard not found' });
      return this.send(res, 200, {
        dashboard: { ...stored.dashboard, id: stored.id, version: stored.version },
        meta: { folderUid: stored.folderUid, version: stored.version, provisioned: false },
      });
    }
    if (path === '/api/dashboards/db' && method === 'POST') {
      const dashboard = input.dashboard as Record<string, unknown> | undefined;
      const folderUid = input.folderUid;
      if (dashboard === undefined || typeof dashboard.title !== 'string' || dashboard.title === '') {
        return this.send(res, 400, { message: 'Dashboard title cannot be empty', status: 'empty-name' });
      }
      if (typeof folderUid !== 'string' || !this.folders.has(folderUid)) {
        return this.send(res, 400, { message: 'folder not found', status: 'not-found' });
      }
      const uid = typeof dashboard.uid === 'string' ? dashboard.uid : `gen${this.nextId}`;
      const existing = this.dashboards.get(uid);
      if (existing !== undefined && input.overwrite !== true && dashboard.version !== existing.version) {
        return this.send(res, 412, {
          message: 'The dashboard has been changed by someone else',
          status: 'version-mismatch',
        });
      }
      const { id: _id, version: _version, ...content } = dashboard;
      const stored: StoredDashboard = {
        id: existing?.id ?? this.nextId++,
        version: (existing?.version ?? 0) + 1,
        folderUid,
        dashboard: { ...content, uid },
      };
      this.dashboards.set(uid, stored);
      const slug = dashboard.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      return this.send(res, 200, {
        id: stored.id,
        uid,
        url: `/d/${uid}/${slug}`,
        status: 'success',
        version: stored.version,
        slug,
      });
    }

    this.send(res, 404, { message: 'Not found' });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}
