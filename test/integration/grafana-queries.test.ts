/**
 * Every InfluxQL query in the egov-noc Grafana dashboards (panels and template variables), run against
 * a real influxd holding a few minutes of samples in the documented schema, the way Grafana would run
 * them: `$timeFilter`, `$__interval` and the variables substituted; the report dashboard reads the
 * 5-minute rollups, made here by running the continuous query's SELECT once. Proves the queries parse and find data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../grafana';
import { rollupSelect } from '../../metrics/influx/schema';
import { DEFAULT_RETENTION } from '../../metrics/retention';
import { startInfluxd, type Influxd } from '../support/influxd';

const DB = 'egov_noc';
let influxd: Influxd;

async function influxql(
  q: string,
): Promise<
  Array<{ error?: string; series?: Array<{ values: unknown[][]; tags?: Record<string, string> }> }>
> {
  const params = new URLSearchParams({ db: DB, q, epoch: 'ms' });
  const response = await fetch(`${influxd.url}/query?${params.toString()}`, { method: 'POST' });
  const body = (await response.json()) as {
    results?: Array<{ error?: string; series?: Array<{ values: unknown[][] }> }>;
    error?: string;
  };
  if (body.error !== undefined) return [{ error: body.error }];
  return body.results ?? [];
}

async function write(lines: string[]): Promise<void> {
  const response = await fetch(`${influxd.url}/write?db=${DB}&rp=raw&precision=ms`, {
    method: 'POST',
    body: lines.join('\n'),
  });
  expect(response.status, await response.text()).toBe(204);
}

/** Ten minutes of samples, one a minute, for two nodes, their interfaces, a video link, a collector and its host. */
function samples(nowMs: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) {
    const t = nowMs - i * 60_000;
    for (const [node, tier] of [
      ['ny-core', 'city'],
      ['xichuan-gw', 'county'],
    ] as const) {
      lines.push(
        `node,node=${node},tier=${tier},zone=internal,role=router cpuPct=${20 + i},memPct=40,uptimeS=${86400 + i},reachable=${i === 3 && node === 'xichuan-gw' ? 0 : 1},pollMs=35 ${t}`,
      );
      for (const [ifIndex, ifName] of [
        ['1', 'GE0/0/1'],
        ['2', 'GE0/0/2'],
      ] as const) {
        lines.push(
          `interface,node=${node},ifIndex=${ifIndex},ifName=${ifName},tier=${tier},zone=internal ` +
            `inBps=${1e6 * (i + 1)},outBps=${5e5 * (i + 1)},inErrorsPs=0.1,outErrorsPs=0,inDiscardsPs=0.2,outDiscardsPs=0,inUtilPct=${10 + i},outUtilPct=${5 + i},operUp=1 ${t}`,
        );
      }
    }
    lines.push(
      `video,link=ny-mcu--xichuan-mcu,node=ny-mcu,peer=xichuan-mcu,probe=icmp rttMs=${20 + i},jitterMs=4,lossPct=0.5,mos=4.2 ${t}`,
    );
    lines.push(
      `collector,collector=city-1 pollsPs=2.8,pollP50Ms=30,pollP95Ms=80,pollP99Ms=120,timeoutsPs=0,queueLagMs=15,spoolPoints=0,droppedPoints=0,valuesPs=140 ${t}`,
    );
    lines.push(`host,host=noc-1 cpuPct=12,memPct=33,diskPct=41 ${t}`);
    lines.push(`storage,node=xichuan-gw,storage=/ usedPct=${40 + i},sizeBytes=1e9,usedBytes=4e8 ${t}`);
  }
  return lines;
}

const variables: Record<string, string> = {
  tier: '.*',
  zone: '.*',
  node: 'xichuan-gw',
  ifName: '.*',
  link: '.*',
  collector: '.*',
  host: '.*',
};

/** What Grafana does to a query before sending it: time range, interval, variables. */
function interpolate(query: string): string {
  return query
    .replaceAll('$timeFilter', 'time > now() - 1h')
    .replaceAll('$__interval', '1m')
    .replace(/\$(\w+)/g, (whole, name: string) => variables[name] ?? whole);
}

beforeAll(async () => {
  influxd = await startInfluxd();
  for (const statement of [
    `CREATE DATABASE "${DB}"`,
    `CREATE RETENTION POLICY "raw" ON "${DB}" DURATION 7d REPLICATION 1 DEFAULT`,
  ]) {
    const [result] = await influxql(statement);
    expect(result?.error).toBeUndefined();
  }
  await write(samples(Date.now()));
  // What the continuous query does every 5 minutes, run once now so the report dashboard has rollups.
  const [rp] = await influxql(`CREATE RETENTION POLICY "rollup_400d" ON "${DB}" DURATION 400d REPLICATION 1`);
  expect(rp?.error).toBeUndefined();
  const [rolled] = await influxql(rollupSelect(DB, DEFAULT_RETENTION, 'time > now() - 1h'));
  expect(rolled?.error).toBeUndefined();
});
afterAll(async () => {
  await influxd?.destroy();
});

describe('Grafana dashboard queries on InfluxDB 1.x', () => {
  const dashboards = buildDashboards();

  for (const dashboard of dashboards) {
    it(`${dashboard.uid}: every panel query runs and returns data`, async () => {
      const panels = (dashboard.panels ?? []) as Array<{
        type: string;
        title?: string;
        targets?: Array<{ query: string; refId: string }>;
      }>;
      let checked = 0;
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const q = interpolate(target.query);
          expect(q, `${panel.title}: uninterpolated variable`).not.toMatch(/\$\w/);
          const [result] = await influxql(q);
          const where = `${dashboard.uid} / ${panel.title} / ${target.refId}: ${q}`;
          expect(result?.error, where).toBeUndefined();
          const values = (result?.series ?? []).flatMap((s) => s.values.map((row) => row[1]));
          expect(
            values.some((v) => typeof v === 'number'),
            `${where} returned no numbers`,
          ).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(5);
    });

    it(`${dashboard.uid}: template variables list the tag values`, async () => {
      for (const variable of (dashboard.templating?.list ?? []) as Array<{ name: string; query: string }>) {
        const [result] = await influxql(interpolate(variable.query));
        expect(result?.error, variable.query).toBeUndefined();
        const values = (result?.series ?? []).flatMap((s) => s.values.map((row) => row[1]));
        expect(values.length, `${variable.name}: ${variable.query}`).toBeGreaterThan(0);
      }
    });
  }

  it('the reachability stats count the nodes up and down in the last five minutes', async () => {
    const overview = dashboards.find((d) => d.uid === 'egov-noc-network-overview');
    const panels = (overview?.panels ?? []) as Array<{ title?: string; targets?: Array<{ query: string }> }>;
    const valueOf = async (titleStart: string): Promise<unknown> => {
      const query = panels.find((p) => p.title?.startsWith(titleStart))?.targets?.[0]?.query ?? '';
      const [result] = await influxql(interpolate(query));
      return result?.series?.[0]?.values[0]?.[1];
    };
    expect(await valueOf('可达节点')).toBe(2);
    expect(await valueOf('不可达节点')).toBe(0);
  });
});
