import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DATASOURCE_UID, buildDashboards, writeProvisioningFiles } from '../../grafana';

interface Target {
  refId?: string;
  query?: string;
  rawQuery?: boolean;
  datasource?: { uid?: string; type?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { w: number; h: number };
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

const dashboards = buildDashboards();
const panelsOf = (dashboard: { panels?: unknown }): Panel[] => (dashboard.panels ?? []) as Panel[];
const repoRoot = join(import.meta.dirname, '..', '..');

describe('egov-noc dashboards', () => {
  it('are the five the network center needs, with stable short uids', () => {
    expect(dashboards.map((d) => d.uid)).toEqual([
      'egov-noc-network-overview',
      'egov-noc-node-interfaces',
      'egov-noc-video-links',
      'egov-noc-collector-health',
      'egov-noc-sla-report',
    ]);
    for (const d of dashboards) {
      expect(d.uid.length).toBeLessThanOrEqual(40);
      expect(d.tags).toContain('egov-noc');
    }
  });

  it('every query panel reads the egov-noc InfluxDB data source with a bounded InfluxQL query', () => {
    for (const d of dashboards) {
      const panels = panelsOf(d).filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(3);
      for (const panel of panels) {
        expect(panel.datasource?.uid, `${d.uid} / ${panel.title}`).toBe(DATASOURCE_UID);
        expect(panel.targets?.length, `${d.uid} / ${panel.title}`).toBeGreaterThan(0);
        const refIds = new Set<string>();
        for (const target of panel.targets ?? []) {
          expect(target.datasource).toEqual({ type: 'influxdb', uid: DATASOURCE_UID });
          expect(target.rawQuery).toBe(true);
          expect(target.query).toMatch(/^SELECT /);
          // A query without a time bound would scan the whole retention period on every refresh.
          expect(target.query).toMatch(/\$timeFilter|time > now\(\) - \d+m/);
          expect(target.refId).toBeDefined();
          refIds.add(target.refId ?? '');
        }
        expect(refIds.size).toBe(panel.targets?.length);
      }
    }
  });

  it('panel ids are unique and panels fit the 24-column grid', () => {
    for (const d of dashboards) {
      const ids = panelsOf(d).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);
      for (const panel of panelsOf(d)) expect(panel.gridPos?.w ?? 0).toBeLessThanOrEqual(24);
    }
  });

  it('template variables: node on the node dashboard, link on the video dashboard, each from the metrics', () => {
    const variables = (uid: string) =>
      (dashboards.find((d) => d.uid === uid)?.templating?.list ?? []) as Array<{
        name: string;
        query?: unknown;
      }>;
    expect(variables('egov-noc-node-interfaces').map((v) => v.name)).toEqual(['node', 'ifName']);
    expect(variables('egov-noc-video-links').map((v) => v.name)).toEqual(['link']);
    expect(variables('egov-noc-network-overview').map((v) => v.name)).toEqual(['tier', 'zone']);
    for (const d of dashboards) {
      for (const v of (d.templating?.list ?? []) as Array<{ query?: unknown }>)
        expect(String(v.query)).toMatch(/^SHOW TAG VALUES FROM "(raw|rollup_400d)"\./);
    }
  });

  it('queries use the metric schema: measurements and fields that the collector writes', () => {
    const schema: Record<string, string[]> = {
      interface: [
        'inBps',
        'outBps',
        'inErrorsPs',
        'outErrorsPs',
        'inDiscardsPs',
        'outDiscardsPs',
        'inUtilPct',
        'outUtilPct',
        'operUp',
      ],
      node: ['cpuPct', 'memPct', 'uptimeS', 'reachable', 'pollMs'],
      video: ['rttMs', 'jitterMs', 'lossPct', 'mos'],
      collector: [
        'pollsPs',
        'pollP50Ms',
        'pollP95Ms',
        'pollP99Ms',
        'timeoutsPs',
        'queueLagMs',
        'spoolPoints',
        'droppedPoints',
        'valuesPs',
      ],
      host: ['cpuPct', 'memPct', 'diskPct'],
      storage: ['usedPct', 'sizeBytes', 'usedBytes'],
    };
    const seen = new Set<string>();
    for (const d of dashboards) {
      for (const panel of panelsOf(d)) {
        for (const target of panel.targets ?? []) {
          const query = target.query ?? '';
          const measurements = [...query.matchAll(/FROM "(?:raw|rollup_400d)"\."(\w+)"/g)].map(
            (m) => m[1] ?? '',
          );
          // Rollups keep each field F as mean_F, max_F and min_F.
          const rollup = query.includes('"rollup_400d".');
          expect(measurements.length).toBeGreaterThan(0);
          for (const measurement of measurements) {
            const fields = schema[measurement];
            expect(fields, `unknown measurement ${measurement}`).toBeDefined();
            // Field references inside aggregations: mean("inBps"), last("reachable"), ...
            for (const m of query.matchAll(/\w+\("(\w+)"\)/g)) {
              const field = rollup ? (m[1] ?? '').replace(/^(mean|max|min)_/, '') : (m[1] ?? '');
              if (field === 'v' || field === 'up' || field === 'down') continue; // subquery aliases
              expect(Object.values(schema).flat(), `${d.uid}: unknown field ${field}`).toContain(field);
              seen.add(field);
            }
          }
        }
      }
    }
    for (const field of ['inBps', 'reachable', 'mos', 'lossPct', 'pollP99Ms', 'droppedPoints'])
      expect(seen).toContain(field);
  });
});

describe('file provisioning', () => {
  it('writes each dashboard as JSON and the data source + provider YAML, with secrets as $ENV references only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-noc-grafana-'));
    const written = writeProvisioningFiles({
      dashboardsDir: join(dir, 'dashboards'),
      provisioningDir: join(dir, 'provisioning'),
      influxUrl: 'http://influxdb:8086',
      influxDb: 'egov_noc',
    });
    expect(written).toHaveLength(dashboards.length + 2);
    expect(readdirSync(join(dir, 'dashboards')).sort()).toEqual(
      dashboards.map((d) => `${d.uid}.json`).sort(),
    );
    for (const d of dashboards) {
      const json = JSON.parse(readFileSync(join(dir, 'dashboards', `${d.uid}.json`), 'utf8')) as {
        uid: string;
      };
      expect(json).toEqual(JSON.parse(JSON.stringify(d)));
    }
    const datasource = parse(
      readFileSync(join(dir, 'provisioning', 'datasources', 'egov-noc.yaml'), 'utf8'),
    ) as {
      apiVersion: number;
      datasources: Array<Record<string, unknown>>;
    };
    expect(datasource.apiVersion).toBe(1);
    expect(datasource.datasources[0]).toMatchObject({
      uid: DATASOURCE_UID,
      type: 'influxdb',
      url: 'http://influxdb:8086',
      user: '$INFLUX_READ_USER',
      jsonData: { dbName: 'egov_noc' },
      secureJsonData: { password: '$INFLUX_READ_PASSWORD' },
    });
    const provider = parse(
      readFileSync(join(dir, 'provisioning', 'dashboards', 'egov-noc.yaml'), 'utf8'),
    ) as {
      providers: Array<{ type: string; folderUid: string; options: { path: string } }>;
    };
    expect(provider.providers[0]).toMatchObject({
      type: 'file',
      folderUid: 'egov-noc',
      options: { path: '/var/lib/grafana/dashboards/egov-noc' },
    });
  });

  it('the files shipped in docker/grafana are what the code generates (run `egov-noc grafana export` after changing a dashboard)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-noc-grafana-'));
    writeProvisioningFiles({
      dashboardsDir: join(dir, 'dashboards'),
      provisioningDir: join(dir, 'provisioning'),
      influxUrl: 'http://influxdb:8086',
      influxDb: 'egov_noc',
    });
    const shipped = join(repoRoot, 'docker', 'grafana');
    const files = [
      ...dashboards.map((d) => join('dashboards', `${d.uid}.json`)),
      join('provisioning', 'datasources', 'egov-noc.yaml'),
      join('provisioning', 'dashboards', 'egov-noc.yaml'),
    ];
    // Compared as data, not bytes: the shipped copies are prettier-formatted like the rest of the repo.
    const load = (path: string): unknown =>
      path.endsWith('.json') ? JSON.parse(readFileSync(path, 'utf8')) : parse(readFileSync(path, 'utf8'));
    for (const file of files) {
      expect(load(join(shipped, file)), file).toEqual(load(join(dir, file)));
    }
    expect(readdirSync(join(shipped, 'dashboards')).sort()).toEqual(
      dashboards.map((d) => `${d.uid}.json`).sort(),
    );
  });
});
