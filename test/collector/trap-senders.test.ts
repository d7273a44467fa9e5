import { describe, expect, it } from 'vitest';
import { communityAccepted, digestCommunity } from '../../collector/traps/community';
import { readTrapHeader } from '../../collector/traps/header';
import { ReplayGuard } from '../../collector/traps/replay-guard';
import { rejectionReason } from '../../collector/traps/rejections';
import { SenderDirectory } from '../../collector/traps/senders';
import { loadInventoryText } from '../../inventory/index';
import { asNodeId } from '../../domain';

const YAML = `
network: { id: t, name: 测试, domain: t.gov.cn }
credentials:
  c: { version: 2c, community: site-ro }
  d: { version: 2c, community: dept-ro }
  v3a: { version: "3", user: only-a, level: authPriv, authProtocol: sha, authKey: auth-key-a, privProtocol: aes, privKey: priv-key-a }
  v3s: { version: "3", user: shared, level: authPriv, authProtocol: sha, authKey: auth-key-s, privProtocol: aes, privKey: priv-key-s }
nodes:
  - { id: core, name: 核心, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E, address: 10.0.0.1, credentials: v3s }
  - { id: county-a, name: 县A, tier: county, zone: internal, role: router, vendor: huawei, model: AR, address: 10.0.0.2, credentials: v3a, parent: core }
  - { id: county-b, name: 县B, tier: county, zone: internal, role: router, vendor: huawei, model: AR, address: 10.0.0.3, credentials: v3s, parent: core }
  - { id: dept, name: 部门, tier: department, zone: internal, role: router, vendor: huawei, model: AR, address: 10.0.0.4, credentials: d, parent: core }
  - { id: sw, name: 交换机, tier: county, zone: internal, role: switch, vendor: h3c, model: S, address: 10.0.0.5, credentials: c, parent: core }
`;
const loaded = loadInventoryText('t.yaml', YAML);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory } = loaded;
const manifest = [
  { id: 'dept', host: '127.0.0.1', port: 20004, community: 'dept-ro' },
  { id: 'sw', host: '127.0.0.1', port: 20005, community: 'site-ro' },
];

describe('trap sender: what the network says', () => {
  const dir = new SenderDirectory(inventory, manifest);
  it.each([
    { name: 'simulated agent by its own port', address: '127.0.0.1', port: 20005, want: 'sw' },
    { name: 'real device by its management address', address: '10.0.0.3', port: 50000, want: 'county-b' },
    { name: 'a real device from any source port', address: '10.0.0.2', port: 162, want: 'county-a' },
    { name: 'shared loopback, another port: nobody', address: '127.0.0.1', port: 40000, want: null },
    { name: 'unknown address', address: '192.0.2.7', port: 162, want: null },
  ])('$name', ({ address, port, want }) => {
    expect(dir.fromNetwork(address, port)).toBe(want);
  });

  it('a v3 user names a node only when exactly one node uses it', () => {
    expect(dir.fromUser('only-a')).toBe('county-a');
    expect(dir.fromUser('shared')).toBeNull();
    expect(dir.fromUser('nobody')).toBeNull();
    expect([...dir.credentialsOf(asNodeId('county-b')).users]).toEqual(['shared']);
  });

  it("a node's communities are its own read community (inventory and manifest), never 'public'", () => {
    const accepts = (node: string, community: string) =>
      communityAccepted(Buffer.from(community), dir.credentialsOf(asNodeId(node)).communities);
    expect(accepts('dept', 'dept-ro')).toBe(true);
    expect(accepts('dept', 'site-ro')).toBe(false);
    expect(accepts('dept', 'public')).toBe(false);
    expect(accepts('core', 'public')).toBe(false);
    expect([...dir.communities].sort()).toEqual(['dept-ro', 'site-ro']);
  });

  it('configured trap communities are accepted from every known node', () => {
    const withGlobal = new SenderDirectory(inventory, manifest, ['noc-traps']);
    for (const node of ['core', 'dept', 'sw'])
      expect(
        communityAccepted(Buffer.from('noc-traps'), withGlobal.credentialsOf(asNodeId(node)).communities),
      ).toBe(true);
  });
});

describe('trap header', () => {
  it('reads the community of v1/v2c and the engine id, boots and time of v3; garbage is null', () => {
    const v2c = Buffer.from('300b02010104067075626c6963', 'hex');
    expect(readTrapHeader(v2c)).toEqual({ version: 1, community: Buffer.from('public') });
    // v3: msgGlobalData, then USM parameters (engine 80000000c001, boots 7, time 1000, user "u").
    const usm = '3016' + '040680000000c001' + '020107' + '020203e8' + '040175' + '0400' + '0400';
    const v3 = `302c020103` + `300d020101020205dc040103020103` + `0418${usm}`;
    expect(readTrapHeader(Buffer.from(v3, 'hex'))).toEqual({
      version: 3,
      engineId: Buffer.from('80000000c001', 'hex'),
      engineBoots: 7,
      engineTime: 1000,
    });
    for (const bad of ['', '30', '3082ffff020100', '3005020109040100', '3003020103', 'deadbeef'])
      expect(readTrapHeader(Buffer.from(bad, 'hex'))).toBeNull();
  });

  it('compares against every candidate whatever their length', () => {
    const accepted = ['a', 'a-much-longer-community'].map((c) => digestCommunity(c));
    expect(communityAccepted(Buffer.from('a-much-longer-community'), accepted)).toBe(true);
    expect(communityAccepted(Buffer.from('a-much-longer-communitx'), accepted)).toBe(false);
    expect(communityAccepted(Buffer.from(''), accepted)).toBe(false);
  });
});

describe('rejection reasons never carry what net-snmp put in its messages', () => {
  const named = (name: string, message: string, code?: number) =>
    Object.assign(new Error(message), { name, code });
  it.each([
    [
      named('RequestFailedError', 'Local community not found for message with community s3cr3t'),
      'community not accepted',
    ],
    [named('RequestFailedError', 'Local user not found for message with user bob'), 'unknown SNMPv3 user'],
    [
      named('ResponseInvalidError', 'Authentication digest 00ff received … calculated', 5),
      'authentication failed',
    ],
    [named('ResponseInvalidError', 'Failed to decrypt PDU: bad key', 4), 'decryption failed'],
    [named('ProcessingError', 'Failure to process incoming message'), 'malformed datagram'],
  ])('%s → %s', (error, want) => {
    expect(rejectionReason(error)).toBe(want);
  });
});

describe('SNMPv3 trap replay guard (RFC 3414 timeliness)', () => {
  let nowMs = 1_000_000;
  const guard = new ReplayGuard(() => nowMs);
  const engineId = Buffer.from('80000000c001', 'hex');
  const stamp = (engineBoots: number, engineTime: number) => ({ engineId, engineBoots, engineTime });
  it.each([
    ['the first trap of an engine sets its clock', 0, stamp(5, 1000), true],
    ['the same trap again within the window', 0, stamp(5, 1000), true],
    ['a later trap', 10_000, stamp(5, 1010), true],
    ['a trap 151 s older than the engine clock', 0, stamp(5, 859), false],
    ['an earlier boot', 0, stamp(4, 999_999), false],
    ['the first trap replayed 10 minutes on', 600_000, stamp(5, 1000), false],
    ['a new boot', 0, stamp(6, 3), true],
    ['the highest boots value (latched engine)', 0, stamp(2 ** 31 - 1, 1), false],
  ])('%s: %s', (_name, advanceMs, s, want) => {
    nowMs += advanceMs;
    expect(guard.accept(s)).toBe(want);
  });
});
