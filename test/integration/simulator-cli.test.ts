import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import type { AgentEndpoint } from '../../domain';
import { BerReader, Tag } from '../../simulator/ber';
import { waitUntil } from '../support/wait';

/**
 * Issue 2, "Done when": `egov-noc simulate` on nanyang.yaml, polled by Debian's net-snmp tools
 * (snmpbulkwalk, snmpget) as the independent client; faults through `egov-noc fault`; traps caught
 * on a UDP socket.
 */
const run = promisify(execFile);
const NET_SNMP_ENV = { ...process.env, MIBS: '' };
const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const { topology } = loaded;

let dir: string;
let child: ChildProcess;
let stdout = '';
let controlUrl: string;
let manifest: AgentEndpoint[];
let trapSocket: Socket;
const traps: { port: number; trap: string; ifIndex: number | null }[] = [];

const entry = (id: string) => manifest.find((m) => m.id === id)!;

/** snmpbulkwalk/snmpget arguments for a manifest entry (v2c community or v3 authPriv). */
function auth(e: AgentEndpoint): string[] {
  if (e.community) return ['-v2c', '-c', e.community];
  const v3 = e.v3!;
  const a = v3.authProtocol === 'sha' ? 'SHA' : v3.authProtocol === 'sha256' ? 'SHA-256' : 'SHA-512';
  return [
    '-v3',
    '-l',
    v3.level,
    '-u',
    v3.user,
    '-a',
    a,
    '-A',
    v3.authKey,
    ...(v3.privKey ? ['-x', 'AES', '-X', v3.privKey] : []),
  ];
}

async function snmp(
  tool: 'snmpbulkwalk' | 'snmpget',
  e: AgentEndpoint,
  oids: string[],
): Promise<Map<string, string>> {
  // -On numeric OIDs, -OQ "oid = value", -Oe numeric enums, -Ot raw timeticks
  const { stdout: out } = await run(
    tool,
    [...auth(e), '-On', '-OQ', '-Oe', '-Ot', '-m', '', '-r', '1', '-t', '1', `127.0.0.1:${e.port}`, ...oids],
    { env: NET_SNMP_ENV },
  );
  const values = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^(\.[\d.]+) = (.*)$/.exec(line.trim());
    if (m) values.set(m[1]!.slice(1), m[2]!.replace(/^"|"$/g, ''));
  }
  return values;
}

async function answers(e: AgentEndpoint): Promise<boolean> {
  try {
    await run(
      'snmpget',
      [...auth(e), '-On', '-m', '', '-r', '0', '-t', '1', `127.0.0.1:${e.port}`, '1.3.6.1.2.1.1.5.0'],
      { env: NET_SNMP_ENV },
    );
    return true;
  } catch {
    return false;
  }
}

/** Which of these agents answer, asked at once (an agent that does not answer costs one timeout). */
async function answerWhich(ids: string[]): Promise<Record<string, boolean>> {
  const answered = await Promise.all(ids.map(async (id) => [id, await answers(entry(id))] as const));
  return Object.fromEntries(answered);
}

async function cli(...args: string[]): Promise<string> {
  const { stdout: out } = await run(process.execPath, [
    'bin/egov-noc.js',
    ...args,
    '--control-file',
    join(dir, 'control.json'),
  ]);
  return out;
}

/** A v2c trap's kind and ifIndex; v3 agents' traps are encrypted, so only their arrival is noted. */
function decodeTrap(msg: Buffer): { trap: string; ifIndex: number | null } {
  const r = new BerReader(msg);
  r.enter(Tag.Sequence);
  if (r.readInt() === 3) return { trap: 'SNMPv3', ifIndex: null };
  r.readOctets();
  r.enter(Tag.TrapV2);
  r.readInt();
  r.readInt();
  r.readInt();
  const end = r.enter(Tag.Sequence);
  let trap = '';
  let ifIndex: number | null = null;
  while (r.pos < end) {
    const vbEnd = r.enter(Tag.Sequence);
    const { oid } = r.readOid();
    const name = oid.join('.');
    if (name === '1.3.6.1.6.3.1.1.4.1.0')
      trap =
        {
          '1.3.6.1.6.3.1.1.5.1': 'coldStart',
          '1.3.6.1.6.3.1.1.5.3': 'linkDown',
          '1.3.6.1.6.3.1.1.5.4': 'linkUp',
        }[r.readOid().oid.join('.')] ?? 'other';
    else if (name.startsWith('1.3.6.1.2.1.2.2.1.1.')) ifIndex = r.readInt();
    r.pos = vbEnd;
  }
  return { trap, ifIndex };
}

async function waitForTraps(count: number): Promise<typeof traps> {
  await waitUntil(
    () => `${count} traps (${traps.length} so far)`,
    () => traps.length >= count,
  ).catch(() => undefined); // the caller's assertion on what arrived says what is missing
  return traps.splice(0, traps.length);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-noc-sim-'));
  trapSocket = createSocket('udp4');
  trapSocket.on('message', (msg, rinfo) => traps.push({ port: rinfo.port, ...decodeTrap(msg) }));
  await new Promise<void>((resolve) => trapSocket.bind(0, '127.0.0.1', () => resolve()));
  child = spawn(process.execPath, [
    'bin/egov-noc.js',
    'simulate',
    '--inventory',
    'configs/examples/nanyang.yaml',
    '--manifest',
    join(dir, 'm.json'),
    '--trap-target',
    `127.0.0.1:${trapSocket.address().port}`,
    '--control-file',
    join(dir, 'control.json'),
  ]);
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await waitUntil(
    () => `egov-noc simulate to start: ${stdout}`,
    () => {
      if (child.exitCode !== null) throw new Error(`egov-noc simulate exited: ${stdout}`);
      return stdout.includes('Ctrl-C to stop');
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  controlUrl = /control: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
  manifest = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as AgentEndpoint[];
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  trapSocket.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc simulate on nanyang.yaml (polled with Debian net-snmp tools)', () => {
  it('starts 83 agents and writes their manifest', () => {
    expect(stdout).toMatch(/83 agents on 127\.0\.0\.1 \(67 v2c, 16 v3\)/);
    expect(manifest).toHaveLength(83);
    expect(manifest.map((m) => m.id).sort()).toEqual(topology.nodes.map((n) => n.id).sort());
  });

  it('writes the manifest (communities, v3 keys) and the control file (token) readable by their owner only', () => {
    for (const file of ['m.json', 'control.json']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    const control = JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8')) as {
      url: string;
      token: string;
    };
    expect(control.url).toBe(controlUrl);
    expect(stdout).not.toContain(control.token);
  });

  it('egov-noc fault without the token is refused by the control endpoint', async () => {
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ url: controlUrl, token: 'x'.repeat(43) }));
    const refused = run(process.execPath, [
      'bin/egov-noc.js',
      'fault',
      'node-down',
      'dept-05',
      '--control-file',
      join(dir, 'wrong.json'),
    ]);
    const failure = await refused.then(
      () => ({ stderr: '' }),
      (error: { stderr: string }) => error,
    );
    expect(failure.stderr).toMatch(/bearer token/);
  });

  it('snmpbulkwalk -v2c of IF-MIB returns every interface of every v2c agent', async () => {
    for (const e of manifest.filter((m) => m.community)) {
      const names = await snmp('snmpbulkwalk', e, ['1.3.6.1.2.1.31.1.1.1.1']);
      expect([...names.values()]).toEqual(topology.find(e.id)!.interfaces.map((i) => i.name));
    }
    const table = await snmp('snmpbulkwalk', entry('wolong-sw'), ['1.3.6.1.2.1.2.2']);
    expect(table.get('1.3.6.1.2.1.2.2.1.2.1')).toBe('GigabitEthernet1/0/1');
    expect(Number(table.get('1.3.6.1.2.1.2.2.1.5.1'))).toBe(1_000_000_000);
  }, 120_000);

  it('snmpget -v3 -l authPriv works with the manifest credentials on every v3 agent', async () => {
    const v3 = manifest.filter((m) => m.v3);
    expect(v3.length).toBe(16);
    for (const e of v3) {
      const values = await snmp('snmpget', e, ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.31.1.1.1.6.1']);
      expect(values.get('1.3.6.1.2.1.1.5.0')).toBe(e.id);
      expect(Number(values.get('1.3.6.1.2.1.31.1.1.1.6.1'))).toBeGreaterThan(0);
    }
    // and the wrong key gets no data
    const wrong = { ...entry('ny-core'), v3: { ...entry('ny-core').v3!, authKey: 'not-the-key-2026' } };
    await expect(snmp('snmpget', wrong, ['1.3.6.1.2.1.1.5.0'])).rejects.toThrow(
      /Authentication failure|authentication/i,
    );
  }, 120_000);

  it("each node's lldpRemTable names its neighbours", async () => {
    for (const e of manifest) {
      const names = [...(await snmp('snmpbulkwalk', e, ['1.0.8802.1.1.2.1.4.1.1.9'])).values()].sort();
      const expected = topology
        .linksOf(topology.find(e.id)!.id)
        .map((l) => (l.a.node === e.id ? l.b.node : l.a.node))
        .sort();
      expect(names, e.id).toEqual(expected);
    }
  }, 120_000);

  it('an injected link-down shows in the next walk and sends its trap; clearing restores it', async () => {
    const sw = entry('wolong-sw');
    const ifIndex = topology
      .find('wolong-sw')!
      .interfaces.find(
        (i) => topology.linkAt(topology.find('wolong-sw')!.id, i.name)?.b.node === 'wolong-mcu',
      )!.ifIndex;
    const oper = `1.3.6.1.2.1.2.2.1.8.${ifIndex}`;
    expect((await snmp('snmpbulkwalk', sw, ['1.3.6.1.2.1.2.2.1.8'])).get(oper)).toBe('1');
    const out = await cli('fault', 'link-down', 'wolong-sw', 'wolong-mcu');
    const id = /^(f\d+):/.exec(out)![1]!;
    expect((await snmp('snmpbulkwalk', sw, ['1.3.6.1.2.1.2.2.1.8'])).get(oper)).toBe('2');
    expect(await answers(entry('wolong-mcu'))).toBe(false);
    expect(await waitForTraps(1)).toEqual([{ port: sw.port, trap: 'linkDown', ifIndex }]);
    expect(await cli('fault', 'list')).toContain(`${id}\t`);

    expect(await cli('fault', 'clear', id)).toContain(`cleared ${id}`);
    expect((await snmp('snmpbulkwalk', sw, ['1.3.6.1.2.1.2.2.1.8'])).get(oper)).toBe('1');
    expect(await answers(entry('wolong-mcu'))).toBe(true);
    const up = await waitForTraps(2);
    expect(up.map((t) => t.trap)).toEqual(['linkUp', 'linkUp']);
    expect(up.map((t) => t.port).sort()).toEqual([sw.port, entry('wolong-mcu').port].sort());
  }, 60_000);

  it('a cut uplink silences the subtree behind it; node-down, reboot and video loss show in the next poll', async () => {
    await cli('fault', 'link-down', 'ny-core', 'wolong-gw');
    expect(await answerWhich(['wolong-gw', 'wolong-sw', 'wolong-mcu', 'wancheng-sw'])).toEqual({
      'wolong-gw': false,
      'wolong-sw': false,
      'wolong-mcu': false,
      'wancheng-sw': true,
    });
    await cli('fault', 'node-down', 'xixia-gw');
    expect(await answers(entry('xixia-sw'))).toBe(false);
    await cli('fault', 'video-degraded', 'vc-ny-wancheng', '--loss-pct', '6', '--jitter-ms', '45');
    const nqa = await snmp('snmpbulkwalk', entry('ny-mcu'), ['1.3.6.1.4.1.2011.5.25.111.4.3.1.47']);
    const wancheng = [...nqa.entries()].find(([oid]) =>
      oid.includes('.14.118.99.45.110.121.45.119.97.110.99.104.101.110.103.'),
    )!;
    expect(wancheng[1]).toBe('6');
    const wolong = [...nqa.entries()].find(([oid]) =>
      oid.includes('.12.118.99.45.110.121.45.119.111.108.111.110.103.'),
    )!;
    expect(wolong[1]).toBe('100');
    await cli('fault', 'reboot', 'dept-07');
    expect(
      Number((await snmp('snmpget', entry('dept-07'), ['1.3.6.1.2.1.1.3.0'])).get('1.3.6.1.2.1.1.3.0')),
    ).toBeLessThan(1000);
    // Each fault's traps are sent before its command returns, all to one socket, so they arrive in
    // order and the reboot's coldStart comes last. Only ends that can still be heard send: ny-core's
    // side of the cut link and of xixia-gw's uplink (v3: encrypted); the video loss sends none.
    expect((await waitForTraps(3)).map((t) => [t.port, t.trap])).toEqual([
      [entry('ny-core').port, 'SNMPv3'],
      [entry('ny-core').port, 'SNMPv3'],
      [entry('dept-07').port, 'coldStart'],
    ]);

    expect(await cli('fault', 'clear', '--all')).toMatch(/^cleared f\d+, f\d+, f\d+/);
    expect(await answerWhich(['wolong-sw', 'xixia-sw'])).toEqual({ 'wolong-sw': true, 'xixia-sw': true });
    // Back up, every end of the two links and of xixia-gw's links is heard again.
    const restored = [
      ...['ny-core', 'wolong-gw'],
      ...topology.linksOf(topology.find('xixia-gw')!.id).map((link) => link.a.node),
      ...topology.linksOf(topology.find('xixia-gw')!.id).map((link) => link.b.node),
    ].filter((id) => id !== 'xixia-gw');
    const up = await waitForTraps(restored.length);
    expect(up.map((t) => t.port).sort()).toEqual(restored.map((id) => entry(id).port).sort());
    expect(up.every((t) => t.trap === 'linkUp' || t.trap === 'SNMPv3')).toBe(true);
  }, 60_000);

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('simulator stopped');
  });

  it('refuses a malformed inventory with file:line:field errors', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync('configs/examples/nanyang.yaml', 'utf8').replace(
        'parent: "ny-core", location: "南阳市网管中心机房", ports: 48',
        'parent: "ny-kore", location: "南阳市网管中心机房", ports: 48',
      ),
    );
    writeFileSync(
      join(dir, 'nanyang.credentials.yaml'),
      readFileSync('configs/examples/nanyang.credentials.yaml'),
    );
    const result = await run(process.execPath, ['bin/egov-noc.js', 'simulate', '--inventory', bad]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toMatch(/bad\.yaml:\d+ nodes\[1\]\.parent.*ny-kore/);
  });
});
