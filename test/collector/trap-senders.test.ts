import { describe, expect, it } from 'vitest';
import { communityAccepted, digestCommunity, readCommunityHeader } from '../../collector/traps/community';
import { rejectionReason } from '../../collector/traps/rejections';
import { SenderDirectory } from '../../collector/traps/senders';
import { loadInventoryText } from '../../inventory/index';
import { asNodeId } from '../../inventory/types';

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

describe('community header', () => {
  it('reads version and community of v1/v2c; v3 has none; garbage is null', () => {
    const v2c = Buffer.from('300b02010104067075626c6963', 'hex');
    expect(readCommunityHeader(v2c)).toEqual({ version: 1, community: Buffer.from('public') });
    expect(readCommunityHeader(Buffer.from('3003020103', 'hex'))).toEqual({ version: 3, community: null });
    for (const bad of ['', '30', '3082ffff020100', '3005020109040100', 'deadbeef'])
      expect(readCommunityHeader(Buffer.from(bad, 'hex'))).toBeNull();
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
