/** OIDs as arrays of sub-identifiers: compare in numeric (lexicographic) order, as SNMP walks them. */
export type Oid = readonly number[];

export function compareOid(a: Oid, b: Oid): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export function parseOid(text: string): number[] {
  const parts = text.replace(/^\./, '').split('.');
  const oid = parts.map((part) => {
    const value = Number(part);
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`bad OID "${text}"`);
    return value;
  });
  if (oid.length < 2) throw new Error(`bad OID "${text}"`);
  return oid;
}

export function startsWith(oid: Oid, prefix: Oid): boolean {
  if (oid.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (oid[i] !== prefix[i]) return false;
  return true;
}

/** An SnmpAdminString index component: length, then the bytes (UTF-8). */
export function stringIndex(value: string): number[] {
  const bytes = Buffer.from(value, 'utf8');
  return [bytes.length, ...bytes];
}

export const OIDS = {
  sysDescr: [1, 3, 6, 1, 2, 1, 1, 1, 0],
  sysObjectID: [1, 3, 6, 1, 2, 1, 1, 2, 0],
  sysUpTime: [1, 3, 6, 1, 2, 1, 1, 3, 0],
  snmpTrapOID: [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0],
  snmpTrapAddress: [1, 3, 6, 1, 6, 3, 18, 1, 3, 0],
  coldStart: [1, 3, 6, 1, 6, 3, 1, 1, 5, 1],
  linkDown: [1, 3, 6, 1, 6, 3, 1, 1, 5, 3],
  linkUp: [1, 3, 6, 1, 6, 3, 1, 1, 5, 4],
  ifEntry: [1, 3, 6, 1, 2, 1, 2, 2, 1],
  ifXEntry: [1, 3, 6, 1, 2, 1, 31, 1, 1, 1],
  usmStats: [1, 3, 6, 1, 6, 3, 15, 1, 1],
} as const satisfies Record<string, Oid>;
