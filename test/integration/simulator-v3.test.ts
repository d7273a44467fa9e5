import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, loadInventoryText, type Topology } from '../../inventory';
import type { AgentEndpoint } from '../../domain';
import { startSimulator, type Simulator } from '../../simulator';

/**
 * SNMPv3 USM interop with Debian's net-snmp tools: SHA-256 + AES-128 (zhaoqing.yaml), and every
 * auth/privacy pair the inventory allows, on a small network built in the test.
 */
const run = promisify(execFile);
const env = { ...process.env, MIBS: '' };
const AUTH = { sha: 'SHA', sha256: 'SHA-256', sha512: 'SHA-512' } as const;
const PRIV = { aes: 'AES', aes256b: 'AES-256', aes256r: 'AES-256-C' } as const;

async function sysName(
  e: AgentEndpoint,
  override: Partial<NonNullable<AgentEndpoint['v3']>> = {},
): Promise<string> {
  const v3 = { ...e.v3!, ...override };
  const { stdout } = await run(
    'snmpget',
    [
      '-v3',
      '-l',
      v3.level,
      '-u',
      v3.user,
      '-a',
      AUTH[v3.authProtocol],
      '-A',
      v3.authKey,
      ...(v3.privKey ? ['-x', PRIV[v3.privProtocol ?? 'aes'], '-X', v3.privKey] : []),
      '-On',
      '-Oqv',
      '-m',
      '',
      '-r',
      '0',
      '-t',
      '2',
      `127.0.0.1:${e.port}`,
      '1.3.6.1.2.1.1.5.0',
    ],
    { env },
  );
  return stdout.trim().replace(/^"|"$/g, '');
}

describe('SNMPv3 with Debian net-snmp tools', () => {
  let sim: Simulator;
  beforeAll(async () => {
    const loaded = loadInventory('configs/examples/zhaoqing.yaml');
    if (!loaded.ok) throw new Error('zhaoqing.yaml must load');
    sim = await startSimulator({ topology: loaded.topology });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('zhaoqing.yaml: every v3 agent answers snmpget -v3 -l authPriv -a SHA-256 -x AES', async () => {
    const v3 = sim.manifest.filter((m) => m.v3);
    expect(v3.length).toBeGreaterThan(10);
    for (const e of v3) expect(await sysName(e)).toBe(e.id);
  }, 60_000);

  it('wrong keys and wrong levels get no data', async () => {
    const e = sim.manifest.find((m) => m.v3)!;
    await expect(sysName(e, { authKey: 'wrong-auth-key-2026' })).rejects.toThrow(/Authentication failure/);
    await expect(sysName(e, { privKey: 'wrong-priv-key-2026' })).rejects.toThrow();
    await expect(sysName(e, { level: 'authNoPriv', privKey: undefined })).rejects.toThrow(
      /Unsupported security level/,
    );
  }, 60_000);
});

describe('every auth/privacy pair the inventory allows', () => {
  const pairs = (['sha', 'sha256', 'sha512'] as const).flatMap((auth) =>
    (['aes', 'aes256b', 'aes256r'] as const).map((priv) => [auth, priv] as const),
  );
  let sim: Simulator;
  let topology: Topology;
  beforeAll(async () => {
    const nodes = pairs.map(
      (_pair, i) =>
        `  - { id: n${i}, name: "节点${i}", tier: city, zone: internal, role: router, vendor: huawei, model: AR6280, address: "10.9.0.${i + 1}", credentials: c${i}${i > 0 ? ', parent: n0' : ''} }`,
    );
    const credentials = pairs.map(
      ([auth, priv], i) =>
        `  c${i}: { version: '3', user: u${i}, level: authPriv, authProtocol: ${auth}, authKey: auth-key-${i}-2026, privProtocol: ${priv}, privKey: priv-key-${i}-2026 }`,
    );
    const text = `network: { id: v3-matrix, name: v3矩阵, domain: v3.example.gov.cn }\ncredentials:\n${credentials.join('\n')}\nnodes:\n${nodes.join('\n')}\n`;
    const loaded = loadInventoryText('v3-matrix.yaml', text);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    topology = loaded.topology;
    sim = await startSimulator({ topology });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it.each(pairs.map(([auth, priv], i) => [auth, priv, i] as const))('%s + %s', async (_auth, _priv, i) => {
    const e = sim.manifest.find((m) => m.id === `n${i}`)!;
    expect(await sysName(e)).toBe(`n${i}`);
  });
});
