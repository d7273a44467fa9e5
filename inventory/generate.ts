import { stringify } from 'yaml';
import { DEFAULT_GENERATE, type GenerateOptions } from './generate-options';
import type { RawInventory } from './schema';

export { DEFAULT_GENERATE, type GenerateOptions } from './generate-options';

const CITY_NAMES = [
  '广州',
  '深圳',
  '珠海',
  '汕头',
  '佛山',
  '韶关',
  '湛江',
  '肇庆',
  '江门',
  '茂名',
  '惠州',
  '梅州',
  '汕尾',
  '河源',
  '阳江',
  '清远',
  '东莞',
  '中山',
  '潮州',
  '揭阳',
  '云浮',
];
const COUNTY_PREFIX = ['东', '西', '南', '北', '中', '新', '高', '长', '平', '安', '和', '兴'];
const COUNTY_SUFFIX = [
  '城区',
  '县',
  '山县',
  '江区',
  '平县',
  '宁县',
  '阳县',
  '源区',
  '丰县',
  '华县',
  '德县',
  '川县',
];
const TOWNSHIP_SUFFIX = ['镇', '乡', '街道'];
const DEPARTMENTS = [
  '发改局',
  '财政局',
  '公安局',
  '教育局',
  '人社局',
  '卫健局',
  '自然资源局',
  '住建局',
  '交通局',
  '水利局',
  '农业农村局',
  '市场监管局',
  '应急管理局',
  '税务局',
  '民政局',
  '司法局',
];

/** mulberry32: tiny, fast, good enough for reproducible test networks, benches and fuzzing. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Node numbers from 2 up in a county: every third (3, 6, 9 …) is a department, the rest townships. */
const FIRST_DEPARTMENT = 3;

type Nodes = RawInventory['nodes'];
type Links = RawInventory['links'];

/**
 * A city's 政务内网: its core router, joined to the city's 政务外网 core only through a gatekeeper
 * (网闸) that bridges both zones; each county's internal router hangs off this core.
 */
function addCityInternalNetwork(
  nodes: Nodes,
  links: Links,
  city: { cid: string; city: string; cityNet: string; counties: number },
): void {
  const { cid, cityNet } = city;
  nodes.push(
    {
      id: `${cid}-gap`,
      name: `${city.city}电子政务内外网安全隔离网闸`,
      tier: 'city',
      zone: 'external',
      role: 'gatekeeper',
      bridges: ['external', 'internal'],
      vendor: 'leadsec',
      model: 'SIS-3000-GT',
      address: `${cityNet}.4`,
      credentials: 'sim-v2c',
      parent: `${cid}-core`,
      ports: 4,
    },
    {
      id: `${cid}-in-core`,
      name: `${city.city}电子政务内网核心路由器`,
      tier: 'city',
      zone: 'internal',
      role: 'router',
      vendor: 'huawei',
      model: 'NE40E-X8',
      address: `${cityNet}.5`,
      credentials: 'sim-v3',
      parent: `${cid}-gap`,
      ports: Math.max(16, city.counties + 1),
    },
  );
  links.push(
    { a: `${cid}-core:GE0/0/16`, b: `${cid}-gap:outer-eth0`, capacityMbps: 1000, medium: 'fiber' },
    { a: `${cid}-gap:inner-eth0`, b: `${cid}-in-core:GE0/0/0`, capacityMbps: 1000, medium: 'fiber' },
  );
}

/**
 * Township and department access routers: mostly Huawei and H3C, with the Ruijie and ZTE boxes a
 * province's tenders bring in (two draws, whatever the vendor, so the rest of the network is the same).
 */
function accessRouter(vendorDraw: number, modelDraw: number): { vendor: string; model: string } {
  const [vendor, models] =
    vendorDraw < 0.55
      ? (['huawei', ['AR2220', 'AR1220']] as const)
      : vendorDraw < 0.85
        ? (['h3c', ['MSR3620', 'MSR3610']] as const)
        : vendorDraw < 0.95
          ? (['ruijie', ['RG-RSR20-14E', 'RG-RSR30-44']] as const)
          : (['zte', ['ZXR10 2800-4', 'ZXR10 3800-8']] as const);
  return { vendor, model: models[modelDraw < 0.5 ? 0 : 1] };
}

/** The access router's uplink, port 1 as its vendor names it (inventory/default-interfaces.ts). */
const UPLINK_PORT: Record<string, string> = {
  huawei: 'GE0/0/0',
  h3c: 'GigabitEthernet1/0/1',
  ruijie: 'GigabitEthernet 0/1',
  zte: 'gei-0/1/0/1',
};

export function generateInventory(options: Partial<GenerateOptions> = {}): RawInventory {
  const o = { ...DEFAULT_GENERATE, ...options };
  if (o.cities > 250 || o.countiesPerCity > 250 || o.nodesPerCounty > 250)
    throw new Error('generate: at most 250 cities, 250 counties per city and 250 nodes per county');
  const rand = seededRandom(o.seed);
  const credentialsFor = () => (rand() < o.v3Share ? 'sim-v3' : 'sim-v2c');
  const nodes: RawInventory['nodes'] = [];
  const links: RawInventory['links'] = [];
  const videoLinks: RawInventory['videoLinks'] = [];

  nodes.push(
    {
      id: 'prov-core',
      name: '广东省电子政务外网核心路由器',
      tier: 'province',
      zone: 'external',
      role: 'router',
      vendor: 'huawei',
      model: 'NE40E-X16',
      address: '10.0.0.1',
      credentials: 'sim-v3',
      ports: 48,
    },
    {
      id: 'prov-mcu',
      name: '省视频会议MCU',
      tier: 'province',
      zone: 'video',
      role: 'mcu',
      vendor: 'huawei',
      model: 'VP9660',
      address: '10.0.0.2',
      credentials: 'sim-v2c',
      parent: 'prov-core',
    },
  );
  links.push({ a: 'prov-core:GE0/0/47', b: 'prov-mcu:LAN1', capacityMbps: 1000, medium: 'fiber' });

  for (let c = 0; c < o.cities; c++) {
    const city =
      CITY_NAMES[c % CITY_NAMES.length] +
      (c >= CITY_NAMES.length ? String(Math.floor(c / CITY_NAMES.length) + 1) : '') +
      '市';
    const cid = `c${pad(c + 1)}`;
    const cityNet = `10.${c + 1}.0`;
    nodes.push(
      {
        id: `${cid}-core`,
        name: `${city}电子政务核心路由器`,
        tier: 'city',
        zone: 'external',
        role: 'router',
        vendor: 'huawei',
        model: 'NE40E-X8',
        address: `${cityNet}.1`,
        credentials: credentialsFor(),
        parent: 'prov-core',
        ports: 17,
      },
      {
        id: `${cid}-sw`,
        name: `${city}网管中心核心交换机`,
        tier: 'city',
        zone: 'external',
        role: 'switch',
        vendor: 'h3c',
        model: 'S12508',
        address: `${cityNet}.2`,
        credentials: credentialsFor(),
        parent: `${cid}-core`,
        ports: 48,
      },
      {
        id: `${cid}-mcu`,
        name: `${city}视频会议MCU`,
        tier: 'city',
        zone: 'video',
        role: 'mcu',
        vendor: 'huawei',
        model: 'VP9650',
        address: `${cityNet}.3`,
        credentials: 'sim-v2c',
        parent: `${cid}-sw`,
      },
    );
    links.push(
      { a: `prov-core:GE0/0/${c}`, b: `${cid}-core:GE0/0/0`, capacityMbps: 1000, medium: 'leased' },
      {
        a: `${cid}-core:GE0/0/15`,
        b: `${cid}-sw:GigabitEthernet1/0/48`,
        capacityMbps: 1000,
        medium: 'fiber',
      },
      { a: `${cid}-sw:GigabitEthernet1/0/47`, b: `${cid}-mcu:LAN1`, capacityMbps: 1000, medium: 'fiber' },
    );
    addCityInternalNetwork(nodes, links, { cid, city, cityNet, counties: o.countiesPerCity });
    videoLinks.push({
      id: `vc-prov-${cid}`,
      name: `省—${city}视频会议链路`,
      a: 'prov-mcu',
      b: `${cid}-mcu`,
      probe: 'nqa',
      meetings: [{ title: '全省视频工作会议', days: ['mon'], from: '09:00', to: '11:00' }],
    });

    for (let k = 0; k < o.countiesPerCity; k++) {
      const county = `${city.replace('市', '')}${COUNTY_PREFIX[k % COUNTY_PREFIX.length]}${COUNTY_SUFFIX[(k + c) % COUNTY_SUFFIX.length]}`;
      const kid = `${cid}-k${pad(k + 1)}`;
      const net = `10.${c + 1}.${k + 1}`;
      const gw = `${kid}-gw`;
      nodes.push({
        id: gw,
        name: `${county}政务网关路由器`,
        tier: 'county',
        zone: 'external',
        role: 'router',
        vendor: 'huawei',
        model: 'AR6280',
        address: `${net}.1`,
        credentials: credentialsFor(),
        parent: `${cid}-core`,
        ports: 48,
      });
      links.push({
        a: `${cid}-core:GE0/0/${k + 1}`,
        b: `${gw}:GE0/0/0`,
        capacityMbps: rand() < 0.5 ? 100 : 1000,
        medium: rand() < 0.4 ? 'hfc' : 'fiber',
      });
      if (o.nodesPerCounty >= 2) {
        nodes.push({
          id: `${kid}-mcu`,
          name: `${county}视频会议终端`,
          tier: 'county',
          zone: 'video',
          role: 'codec',
          vendor: 'huawei',
          model: 'TE80',
          address: `${net}.2`,
          credentials: 'sim-v2c',
          parent: gw,
        });
        links.push({ a: `${gw}:GE0/0/47`, b: `${kid}-mcu:LAN1`, capacityMbps: 100, medium: 'fiber' });
        videoLinks.push({
          id: `vc-${cid}-${kid}`,
          name: `${city}—${county}视频会议链路`,
          a: `${cid}-mcu`,
          b: `${kid}-mcu`,
          probe: 'nqa',
          meetings: [],
        });
      }
      const internalRouter = o.nodesPerCounty > FIRST_DEPARTMENT ? `${kid}-in` : null;
      if (internalRouter) {
        nodes.push({
          id: internalRouter,
          name: `${county}政务内网路由器`,
          tier: 'county',
          zone: 'internal',
          role: 'router',
          vendor: 'huawei',
          model: 'AR6280',
          address: `${net}.254`,
          credentials: credentialsFor(),
          parent: `${cid}-in-core`,
          ports: Math.max(8, o.nodesPerCounty),
        });
        links.push({
          a: `${cid}-in-core:GE0/0/${k + 1}`,
          b: `${internalRouter}:GE0/0/0`,
          capacityMbps: 1000,
          medium: 'fiber',
        });
      }
      for (let n = 2; n < o.nodesPerCounty; n++) {
        const isTownship = n % 3 !== 0;
        // Townships reach the county over the 政务外网; departments sit on the 政务内网 (physically
        // separate), under the county's internal router, which reaches the external side only
        // through the city's gatekeeper (网闸).
        const uplink = isTownship || !internalRouter ? gw : internalRouter;
        const label = isTownship
          ? `${county}${COUNTY_PREFIX[n % COUNTY_PREFIX.length]}${n}${TOWNSHIP_SUFFIX[n % TOWNSHIP_SUFFIX.length]}`
          : `${county}${DEPARTMENTS[n % DEPARTMENTS.length]}`;
        const id = `${kid}-n${pad(n + 1)}`;
        nodes.push({
          id,
          name: `${label}接入路由器`,
          tier: isTownship ? 'township' : 'department',
          zone: uplink === gw ? 'external' : 'internal',
          role: 'router',
          ...accessRouter(rand(), rand()),
          address: `${net}.${n + 1}`,
          credentials: credentialsFor(),
          parent: uplink,
          ports: 4,
        });
        const vendorIf = UPLINK_PORT[nodes.at(-1)?.vendor ?? 'huawei'] ?? 'GE0/0/0';
        links.push({
          a: `${uplink}:GE0/0/${uplink === gw ? n - 1 : n}`,
          b: `${id}:${vendorIf}`,
          capacityMbps: rand() < 0.7 ? 100 : 20,
          medium: rand() < 0.5 ? 'hfc' : 'fiber',
        });
      }
    }
  }
  return {
    network: { id: 'guangdong-sim', name: '广东省电子政务外网（仿真）', domain: 'gd.gov.cn' },
    credentials: {
      'sim-v2c': { version: '2c', community: 'sim-public' },
      'sim-v3': {
        version: '3',
        user: 'noc-sim',
        level: 'authPriv',
        authProtocol: 'sha256',
        authKey: 'sim-auth-key-2026',
        privProtocol: 'aes',
        privKey: 'sim-priv-key-2026',
      },
    },
    polling: { defaultIntervalS: 60, byTier: {}, byRole: {} },
    nodes,
    links,
    videoLinks,
  };
}

export function generateInventoryYaml(options: Partial<GenerateOptions> = {}): string {
  const o = { ...DEFAULT_GENERATE, ...options };
  const header = `# Generated by \`egov-noc inventory generate --seed ${o.seed} --cities ${o.cities} --counties ${o.countiesPerCity} --nodes-per-county ${o.nodesPerCounty}\`.\n# Simulation only: the credentials below are the simulator's, not a real network's.\n`;
  return header + stringify(generateInventory(o), { lineWidth: 0 });
}
