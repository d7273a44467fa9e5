import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DATASOURCE_UID, FOLDER_UID, GrafanaError, buildDashboards, provisionGrafana } from '../../grafana';
import { FakeGrafana } from './fake-grafana';

const TOKEN = 'glsa_test-secret-token-1234567890';
const influx = {
  url: 'http://influxdb:8086',
  database: 'egov_noc',
  user: 'grafana',
  password: 'read-secret',
};

let grafana: FakeGrafana;
let url: string;

beforeEach(async () => {
  grafana = new FakeGrafana(TOKEN);
  url = await grafana.start();
});
afterEach(async () => {
  await grafana.stop();
});

async function provisionError(
  opts: Partial<Parameters<typeof provisionGrafana>[0]> = {},
): Promise<GrafanaError> {
  try {
    await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx, ...opts });
  } catch (error) {
    expect(error).toBeInstanceOf(GrafanaError);
    return error as GrafanaError;
  }
  throw new Error('expected provisioning to fail');
}

const calls = (method: string, path: string) =>
  grafana.requests.filter((r) => r.method === method && r.path === path);

describe('grafana provision against the documented HTTP API', () => {
  it('creates the folder, the InfluxDB data source and every dashboard, with the bearer token on every request', async () => {
    const steps = await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx });

    const dashboards = buildDashboards();
    expect(steps.map((s) => `${s.kind}:${s.action}`)).toEqual([
      'folder:created',
      'datasource:created',
      ...dashboards.map(() => 'dashboard:created'),
    ]);
    expect(grafana.requests.length).toBeGreaterThan(0);
    for (const request of grafana.requests) {
      expect(request.authorization).toBe(`Bearer ${TOKEN}`);
      if (request.method !== 'GET') expect(request.contentType).toBe('application/json');
    }

    expect(calls('POST', '/api/folders')[0]?.body).toEqual({ uid: FOLDER_UID, title: 'egov-noc' });

    const datasource = calls('POST', '/api/datasources')[0]?.body as Record<string, unknown>;
    expect(datasource).toMatchObject({
      uid: DATASOURCE_UID,
      type: 'influxdb',
      access: 'proxy',
      url: 'http://influxdb:8086',
      user: 'grafana',
      database: 'egov_noc',
      jsonData: { dbName: 'egov_noc', version: 'InfluxQL' },
      secureJsonData: { password: 'read-secret' },
    });

    const saves = calls('POST', '/api/dashboards/db');
    expect(saves).toHaveLength(dashboards.length);
    for (const save of saves) {
      const body = save.body as {
        dashboard: { id: unknown; uid: string; title: string };
        folderUid: string;
        overwrite: boolean;
        message: string;
      };
      expect(body.overwrite).toBe(true);
      expect(body.folderUid).toBe(FOLDER_UID);
      expect(body.dashboard.id).toBeNull();
      expect(body.dashboard.title).not.toBe('');
      expect(typeof body.message).toBe('string');
    }
    expect(new Set(saves.map((s) => (s.body as { dashboard: { uid: string } }).dashboard.uid))).toEqual(
      new Set(dashboards.map((d) => d.uid)),
    );
    expect(grafana.folders.size).toBe(1);
    expect(grafana.datasources.size).toBe(1);
    expect(grafana.dashboards.size).toBe(dashboards.length);
  });

  it('is idempotent: a second run updates the data source in place, leaves identical dashboards alone and duplicates nothing', async () => {
    await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx });
    const versions = [...grafana.dashboards.values()].map((d) => d.version);
    grafana.requests.length = 0;

    const steps = await provisionGrafana({
      grafanaUrl: url,
      token: TOKEN,
      influx: { ...influx, url: 'http://influx2:8086' },
    });

    expect(steps.map((s) => `${s.kind}:${s.action}`)).toEqual([
      'folder:unchanged',
      'datasource:updated',
      ...buildDashboards().map(() => 'dashboard:unchanged'),
    ]);
    expect(calls('POST', '/api/folders')).toHaveLength(0);
    expect(calls('POST', '/api/datasources')).toHaveLength(0);
    expect(calls('PUT', `/api/datasources/uid/${DATASOURCE_UID}`)).toHaveLength(1);
    expect(calls('POST', '/api/dashboards/db')).toHaveLength(0);
    expect(grafana.folders.size).toBe(1);
    expect(grafana.datasources.size).toBe(1);
    expect(grafana.datasources.get(DATASOURCE_UID)?.url).toBe('http://influx2:8086');
    expect([...grafana.dashboards.values()].map((d) => d.version)).toEqual(versions);
  });

  it('overwrites a dashboard edited in Grafana, and moves one that sits in another folder back', async () => {
    await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx });
    const [first, second] = buildDashboards();
    if (first === undefined || second === undefined) throw new Error('expected dashboards');
    const edited = grafana.dashboards.get(first.uid);
    if (edited === undefined) throw new Error('expected stored dashboard');
    edited.dashboard = { ...edited.dashboard, title: 'edited by hand' };
    edited.version += 1;
    const moved = grafana.dashboards.get(second.uid);
    if (moved === undefined) throw new Error('expected stored dashboard');
    moved.folderUid = 'somewhere-else';
    grafana.folders.set('somewhere-else', { id: 99, uid: 'somewhere-else', title: 'x', version: 1 });

    const steps = await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx });

    const byUid = new Map(steps.map((s) => [s.uid, s.action]));
    expect(byUid.get(first.uid)).toBe('updated');
    expect(byUid.get(second.uid)).toBe('updated');
    expect(grafana.dashboards.get(first.uid)?.dashboard.title).toBe(first.title);
    expect(grafana.dashboards.get(second.uid)?.folderUid).toBe(FOLDER_UID);
    expect(grafana.dashboards.size).toBe(buildDashboards().length);
  });

  it('renames a folder whose title was changed, without creating another', async () => {
    grafana.folders.set(FOLDER_UID, { id: 7, uid: FOLDER_UID, title: 'old name', version: 3 });
    const steps = await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx });
    expect(steps[0]).toMatchObject({ kind: 'folder', action: 'updated' });
    expect(calls('PUT', `/api/folders/${FOLDER_UID}`)[0]?.body).toEqual({
      title: 'egov-noc',
      overwrite: true,
    });
    expect(grafana.folders.size).toBe(1);
  });

  it('sends no password field when none is given (InfluxDB without auth)', async () => {
    await provisionGrafana({
      grafanaUrl: url,
      token: TOKEN,
      influx: { url: 'http://influxdb:8086', database: 'egov_noc' },
    });
    const body = calls('POST', '/api/datasources')[0]?.body as Record<string, unknown>;
    expect(body.secureJsonData).toBeUndefined();
    expect(body.user).toBe('');
  });

  it('works under a sub-path and ignores a trailing slash', async () => {
    // The fake serves /api at its root: a sub-path reaches it as /grafana/api/... and fails there.
    const error = await provisionError({ grafanaUrl: `${url}/grafana/` });
    expect(error.status).toBe(404);
    expect(error.message).toContain(`${url}/grafana`);
    expect(error.message).toContain('404');
    expect(error.message).toContain('/api/health');
    expect(grafana.requests.map((r) => r.path)).toEqual(['/grafana/api/health']);
    await provisionGrafana({ grafanaUrl: `${url}/`, token: TOKEN, influx });
  });
});

describe('grafana provision errors say what failed, where, and what to do — never the token', () => {
  it('checks GET /api/health first (no token needed) and reports the version; writes nothing when it is not Grafana', async () => {
    grafana.version = '12.2.0';
    let connected: { url: string; version: string } | undefined;
    await provisionGrafana({ grafanaUrl: url, token: TOKEN, influx, onConnected: (g) => (connected = g) });
    expect(connected).toEqual({ url, version: '12.2.0' });
    expect(grafana.requests[0]).toMatchObject({ method: 'GET', path: '/api/health' });

    grafana.requests.length = 0;
    grafana.failNext('GET', '/api/health', 200, { status: 'UP' });
    let error = await provisionError();
    expect(error.message).toContain('did not answer like Grafana');
    grafana.failNext('GET', '/api/health', 503, { database: 'failing', version: '12.2.0' });
    error = await provisionError();
    expect(error.status).toBe(503);
    expect(error.message).toContain('server error');
    expect(grafana.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('401: names the URL and the token flag', async () => {
    const error = await provisionError({ token: 'glsa_wrong-token' });
    expect(error.status).toBe(401);
    expect(error.message).toContain(url);
    expect(error.message).toMatch(/401/);
    expect(error.message).toMatch(/--token|GRAFANA_TOKEN/);
    expect(error.message).not.toContain('glsa_wrong-token');
    expect(grafana.folders.size).toBe(0);
  });

  it('403: says which role the token needs', async () => {
    grafana.failNext('POST', '/api/datasources', 403, {
      message:
        "You'll need additional permissions to perform this action. Permissions needed: datasources:create",
    });
    const error = await provisionError();
    expect(error.status).toBe(403);
    expect(error.message).toContain('create data source');
    expect(error.message).toContain('Admin');
    expect(error.message).toContain('datasources:create');
  });

  it('409: a data source with the same name but another uid', async () => {
    grafana.datasources.set('other', { id: 50, uid: 'other', name: 'egov-noc InfluxDB', type: 'influxdb' });
    const error = await provisionError();
    expect(error.status).toBe(409);
    expect(error.message).toContain('data source with the same name already exists');
  });

  it('412 version-mismatch and name-exists are explained', async () => {
    const [first] = buildDashboards();
    grafana.failNext('POST', '/api/dashboards/db', 412, {
      message: 'The dashboard has been changed by someone else',
      status: 'version-mismatch',
    });
    let error = await provisionError();
    expect(error.status).toBe(412);
    expect(error.message).toContain('version-mismatch');
    expect(error.message).toContain(`save dashboard "${first?.uid}"`);

    grafana.failNext('POST', '/api/dashboards/db', 412, {
      message: 'A dashboard with the same name in the folder already exists',
      status: 'name-exists',
    });
    error = await provisionError();
    expect(error.message).toContain('name-exists');
  });

  it('5xx: generic server failure with the URL, and a token echoed by the server is masked', async () => {
    grafana.failNext('GET', `/api/datasources/uid/${DATASOURCE_UID}`, 500, {
      message: `database is locked (auth Bearer ${TOKEN})`,
    });
    const error = await provisionError();
    expect(error.status).toBe(500);
    expect(error.message).toContain(url);
    expect(error.message).toContain('server error');
    expect(error.message).toContain('database is locked');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('***');
  });

  it('a redirect (a login proxy in front of Grafana) is reported, not followed', async () => {
    grafana.failNext('GET', '/api/health', 302, { message: 'see /login' });
    const error = await provisionError();
    expect(error.status).toBe(302);
    expect(error.message).toContain('redirected GET /api/health');
    expect(grafana.requests).toHaveLength(1);
  });

  it('connection refused names the URL', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const deadUrl = `http://127.0.0.1:${closed}`;
    const error = await provisionError({ grafanaUrl: deadUrl });
    expect(error.status).toBeNull();
    expect(error.message).toContain(deadUrl);
    expect(error.message).toContain('connection refused');
  });

  it('a Grafana that never answers times out with a clear message', async () => {
    grafana.hang = true;
    // It ends at all (a hang would time the test out) and says it was the timeout that ended it.
    const error = await provisionError({ timeoutMs: 300 });
    expect(error.message).toContain('no answer within 300 ms');
    expect(error.message).toContain(url);
  });

  it('a bad URL or empty token fails before any request', async () => {
    let error = await provisionError({ grafanaUrl: 'grafana:3000' });
    expect(error.message).toContain('http://');
    error = await provisionError({ token: '  ' });
    expect(error.message).toContain('token is empty');
    expect(grafana.requests).toHaveLength(0);
  });
});
