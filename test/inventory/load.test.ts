import { describe, expect, it } from 'vitest';
import { formatInventoryError, loadInventory, loadInventoryText, type InventoryError } from '../../inventory';

/** A small valid network; each error case below changes one thing in it. */
const VALID = `network: { id: test-city, name: 测试市电子政务内网, domain: test.gov.cn }
credentials:
  ro: { version: 2c, community: public }
nodes:
  - id: city-core
    name: 市核心路由器
    tier: city
    zone: internal
    role: router
    vendor: huawei
    model: NE40E
    address: 10.1.0.1
    credentials: ro
  - id: county-gw
    name: 县政府路由器
    tier: county
    zone: internal
    role: router
    vendor: huawei
    model: AR6280
    address: 10.1.1.1
    credentials: ro
    parent: city-core
  - id: county-sw
    name: 县核心交换机
    tier: county
    zone: internal
    role: switch
    vendor: h3c
    model: S5560
    address: 10.1.1.2
    credentials: ro
    parent: county-gw
links:
  - { a: "city-core:GE0/0/1", b: "county-gw:GE0/0/0", capacityMbps: 100, medium: hfc }
  - { a: "county-gw:GE0/0/1", b: "county-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }
`;

function errorsOf(text: string): InventoryError[] {
  const result = loadInventoryText('net.yaml', text);
  if (result.ok) throw new Error('expected the inventory to be refused');
  return result.errors;
}

describe('inventory loader', () => {
  it('loads a valid inventory into a topology', () => {
    const result = loadInventoryText('net.yaml', VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.topology.size).toBe(3);
    expect(result.inventory.credentials.get('ro')).toEqual({
      name: 'ro',
      version: '2c',
      community: 'public',
    });
  });

  // Each case: what to replace in VALID, and the line + field + message the operator must see.
  const cases: Array<{
    kind: string;
    from: string;
    to: string;
    line: number;
    field: string;
    message: RegExp;
  }> = [
    {
      kind: 'unknown parent',
      from: 'parent: county-gw',
      to: 'parent: county-gx',
      line: 33,
      field: 'nodes[2].parent',
      message: /unknown node "county-gx" \(did you mean "county-gw"\?\)/,
    },
    {
      kind: 'parent cycle',
      from: 'credentials: ro\n  - id: county-gw',
      to: 'credentials: ro\n    parent: county-sw\n  - id: county-gw',
      line: 14,
      field: 'nodes[0].parent',
      message: /parent cycle: city-core → county-sw → county-gw → city-core/,
    },
    {
      kind: 'duplicate id',
      from: 'id: county-sw',
      to: 'id: county-gw',
      line: 24,
      field: 'nodes[2].id',
      message: /duplicate id "county-gw"/,
    },
    {
      kind: 'duplicate address',
      from: '10.1.1.2',
      to: '10.1.1.1',
      line: 31,
      field: 'nodes[2].address',
      message: /duplicate address 10\.1\.1\.1/,
    },
    {
      kind: 'link to a missing node',
      from: 'b: "county-gw:GE0/0/0"',
      to: 'b: "county-gq:GE0/0/0"',
      line: 35,
      field: 'links[0].b',
      message: /unknown node "county-gq"/,
    },
    {
      kind: 'link to a missing interface',
      from: 'a: "county-gw:GE0/0/1"',
      to: 'a: "county-gw:GE9/9/9"',
      line: 36,
      field: 'links[1].a',
      message: /has no interface "GE9\/9\/9"/,
    },
    {
      kind: 'missing credentials',
      from: 'credentials: ro\n    parent: county-gw',
      to: 'credentials: rw\n    parent: county-gw',
      line: 32,
      field: 'nodes[2].credentials',
      message: /no credentials named "rw"/,
    },
    {
      kind: 'bad capacity',
      from: 'capacityMbps: 100,',
      to: 'capacityMbps: 0,',
      line: 35,
      field: 'links[0].capacityMbps',
      message: /greater than 0/,
    },
    {
      kind: 'unknown tier',
      from: 'tier: city',
      to: 'tier: metropolis',
      line: 7,
      field: 'nodes[0].tier',
      message: /province/,
    },
    {
      kind: 'bad address',
      from: '10.1.0.1',
      to: '10.1.0.300',
      line: 12,
      field: 'nodes[0].address',
      message: /IPv4/,
    },
  ];

  it.each(cases)('refuses $kind with file, line and field', ({ from, to, line, field, message }) => {
    expect(VALID.includes(from)).toBe(true);
    const errors = errorsOf(VALID.replace(from, to));
    const match = errors.find((error) => error.field === field);
    expect(match, JSON.stringify(errors)).toBeDefined();
    expect(match?.file).toBe('net.yaml');
    expect(match?.line).toBe(line);
    expect(match?.message).toMatch(message);
    expect(formatInventoryError(match!)).toMatch(
      new RegExp(`^net\\.yaml:${line} ${field.replace(/[[\]]/g, '\\$&')}: `),
    );
  });

  it('reports a YAML syntax error with its line', () => {
    const errors = errorsOf(VALID.replace('  - id: county-sw', '  - id: [county-sw'));
    expect(errors[0]?.field).toBe('(yaml)');
    expect(errors[0]?.line).toBeGreaterThanOrEqual(25);
  });

  it('reports every problem at once, not only the first', () => {
    const errors = errorsOf(
      VALID.replace('parent: county-gw', 'parent: nowhere').replace('10.1.1.2', '10.1.1.1'),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(['nodes[2].address', 'nodes[2].parent']);
  });

  it('names the credentials file for errors inside it', () => {
    const text = VALID.replace(/credentials:\n {2}ro: .*\n/, 'credentialsFile: secrets.yaml\n');
    const result = loadInventoryText(
      'net.yaml',
      text,
      'ro: { version: "3", user: noc, authProtocol: md5, authKey: 12345678 }\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.file).toBe('net.yaml.credentials');
    expect(result.errors[0]?.field).toBe('ro.authProtocol');
  });

  it('reports a missing file by name', () => {
    const result = loadInventory('configs/examples/no-such-city.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(formatInventoryError(result.errors[0]!)).toContain('no-such-city.yaml:0 (file): file not found');
  });
});
