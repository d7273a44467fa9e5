import { defaultInterfaces } from './default-interfaces';
import { didYouMean, type InventoryError } from './errors';
import { ROLE_POLL_INTERVAL_S } from './role-polling';
import { checkZones } from './zone-check';
import type { RawCredential, RawInventory, RawNode } from './schema';
import type { YamlSource } from '../common';
import {
  asNodeId,
  type Inventory,
  type InventoryNode,
  type Link,
  type LinkEnd,
  type PollingPolicy,
  type SnmpCredentials,
  type VideoLink,
} from '../domain';

/** A located finding; the loader turns field paths into lines. */
type Problem = { path: PropertyKey[]; message: string; source?: YamlSource };

/**
 * Cross-reference checks the schema cannot express (unknown parent, cycles, duplicates, dangling
 * links, missing credentials), then the typed Inventory. Every problem is reported, not just the first.
 */
export function buildInventory(
  raw: RawInventory,
  main: YamlSource,
  credentials: { values: Record<string, RawCredential>; source: YamlSource; path: PropertyKey[] },
): { inventory: Inventory | null; errors: InventoryError[] } {
  const problems: Problem[] = [];
  const nodeIds = new Set(raw.nodes.map((node) => node.id));
  const nodes = raw.nodes.map((node) => toNode(node, raw, problems));

  checkDuplicates(raw, problems);
  checkParents(raw, nodeIds, problems);
  checkCredentials(raw, credentials, problems);
  const indexedLinks = buildLinks(raw, nodes, problems);
  const links = indexedLinks.map(({ link }) => link);
  problems.push(...checkZones(nodes, indexedLinks));
  const videoLinks = buildVideoLinks(raw, nodeIds, problems);
  checkPki(raw, nodeIds, problems);

  const errors = problems.map((problem) => {
    const source = problem.source ?? main;
    return {
      file: source.file,
      line: source.lineOf(problem.path),
      field: formatPath(problem.path),
      message: problem.message,
    };
  });
  if (errors.length > 0) return { inventory: null, errors };

  const credentialMap = new Map<string, SnmpCredentials>();
  for (const [name, value] of Object.entries(credentials.values)) credentialMap.set(name, { name, ...value });
  return {
    errors: [],
    inventory: {
      file: main.file,
      network: raw.network,
      nodes,
      links,
      videoLinks,
      credentials: credentialMap,
      polling: raw.polling,
      pki: raw.pki
        ? {
            ...raw.pki,
            branches: raw.pki.branches.map((b) => ({ ...b, subtrees: b.subtrees.map(asNodeId) })),
          }
        : null,
      serviceCheckCount: raw.checks?.length ?? 0,
    },
  };
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

function pollInterval(node: RawNode, polling: PollingPolicy): number {
  return (
    node.pollIntervalS ??
    polling.byRole[node.role] ??
    ROLE_POLL_INTERVAL_S[node.role] ??
    polling.byTier[node.tier] ??
    polling.defaultIntervalS
  );
}

function toNode(node: RawNode, raw: RawInventory, problems: Problem[]): InventoryNode {
  const interfaces = node.interfaces
    ? node.interfaces.map((iface, i) => ({ ifIndex: i + 1, name: iface.name, speedMbps: iface.speedMbps }))
    : defaultInterfaces(node.vendor, node.role, node.ports);
  const index = raw.nodes.indexOf(node);
  const seen = new Set<string>();
  interfaces.forEach((iface, i) => {
    if (seen.has(iface.name))
      problems.push({
        path: ['nodes', index, 'interfaces', i, 'name'],
        message: `duplicate interface "${iface.name}"`,
      });
    seen.add(iface.name);
  });
  return {
    id: asNodeId(node.id),
    name: node.name,
    tier: node.tier,
    zone: node.zone,
    role: node.role,
    vendor: node.vendor,
    model: node.model,
    address: node.address,
    credentials: node.credentials,
    parent: node.parent ? asNodeId(node.parent) : null,
    location: node.location ?? node.name,
    interfaces,
    pollIntervalS: pollInterval(node, raw.polling),
    dnsNames: node.dnsNames ?? [`${node.id}.${raw.network.domain}`],
    ...(node.bridges ? { bridges: node.bridges } : {}),
  };
}

function checkDuplicates(raw: RawInventory, problems: Problem[]): void {
  const firstById = new Map<string, number>();
  const firstByAddress = new Map<string, number>();
  raw.nodes.forEach((node, i) => {
    const byId = firstById.get(node.id);
    if (byId !== undefined)
      problems.push({
        path: ['nodes', i, 'id'],
        message: `duplicate id "${node.id}" (first used by nodes[${byId}])`,
      });
    else firstById.set(node.id, i);
    const byAddress = firstByAddress.get(node.address);
    if (byAddress !== undefined)
      problems.push({
        path: ['nodes', i, 'address'],
        message: `duplicate address ${node.address} (already nodes[${byAddress}] "${raw.nodes[byAddress]?.id}")`,
      });
    else firstByAddress.set(node.address, i);
  });
}

function checkParents(raw: RawInventory, nodeIds: Set<string>, problems: Problem[]): void {
  const parentOf = new Map<string, string>();
  raw.nodes.forEach((node, i) => {
    if (!node.parent) return;
    if (node.parent === node.id)
      problems.push({ path: ['nodes', i, 'parent'], message: 'a node cannot be its own parent' });
    else if (!nodeIds.has(node.parent))
      problems.push({
        path: ['nodes', i, 'parent'],
        message: `unknown node "${node.parent}"${didYouMean(node.parent, nodeIds)}`,
      });
    else parentOf.set(node.id, node.parent);
  });
  const reported = new Set<string>();
  raw.nodes.forEach((node, i) => {
    const seen: string[] = [node.id];
    let current = parentOf.get(node.id);
    while (current !== undefined) {
      if (current === node.id) {
        const cycle = [...seen, node.id].join(' → ');
        if (!seen.some((id) => reported.has(id)))
          problems.push({ path: ['nodes', i, 'parent'], message: `parent cycle: ${cycle}` });
        seen.forEach((id) => reported.add(id));
        return;
      }
      if (seen.includes(current)) return; // a cycle further up, reported from one of its own members
      seen.push(current);
      current = parentOf.get(current);
    }
  });
}

function checkCredentials(
  raw: RawInventory,
  credentials: { values: Record<string, RawCredential>; source: YamlSource; path: PropertyKey[] },
  problems: Problem[],
): void {
  const values = credentials.values;
  raw.nodes.forEach((node, i) => {
    if (!(node.credentials in values))
      problems.push({
        path: ['nodes', i, 'credentials'],
        message: `no credentials named "${node.credentials}"${didYouMean(node.credentials, Object.keys(values))}; define it under "credentials:" or in the credentials file`,
      });
  });
  for (const [name, value] of Object.entries(values)) {
    if (value.version === '3' && value.level === 'authPriv' && (!value.privProtocol || !value.privKey))
      problems.push({
        path: [...credentials.path, name, 'privKey'],
        source: credentials.source,
        message: 'authPriv needs privProtocol and privKey',
      });
  }
}

function parseEnd(
  text: string,
  nodes: Map<string, InventoryNode>,
  path: PropertyKey[],
  problems: Problem[],
): LinkEnd | null {
  const colon = text.indexOf(':');
  const nodeId = text.slice(0, colon);
  const ifName = text.slice(colon + 1);
  const node = nodes.get(nodeId);
  if (!node) {
    problems.push({ path, message: `unknown node "${nodeId}"${didYouMean(nodeId, nodes.keys())}` });
    return null;
  }
  if (!node.interfaces.some((iface) => iface.name === ifName)) {
    const names = node.interfaces.map((iface) => iface.name);
    problems.push({
      path,
      message: `node "${nodeId}" has no interface "${ifName}"${didYouMean(ifName, names)} (it has ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''})`,
    });
    return null;
  }
  return { node: node.id, interface: ifName };
}

function buildLinks(
  raw: RawInventory,
  nodes: InventoryNode[],
  problems: Problem[],
): Array<{ index: number; link: Link }> {
  const byId = new Map(nodes.map((node) => [node.id as string, node]));
  const links: Array<{ index: number; link: Link }> = [];
  const usedEnds = new Map<string, number>();
  raw.links.forEach((link, i) => {
    const a = parseEnd(link.a, byId, ['links', i, 'a'], problems);
    const b = parseEnd(link.b, byId, ['links', i, 'b'], problems);
    if (!a || !b) return;
    for (const [end, key] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const endKey = `${end.node}:${end.interface}`;
      const other = usedEnds.get(endKey);
      if (other !== undefined)
        problems.push({
          path: ['links', i, key],
          message: `interface ${endKey} is already used by links[${other}]`,
        });
      else usedEnds.set(endKey, i);
    }
    links.push({
      index: i,
      link: {
        id: link.id ?? `${a.node}:${a.interface}--${b.node}:${b.interface}`,
        a,
        b,
        capacityMbps: link.capacityMbps,
        medium: link.medium,
        ...(link.slaPct === undefined ? {} : { slaPct: link.slaPct }),
      },
    });
  });
  return links;
}

function buildVideoLinks(raw: RawInventory, nodeIds: Set<string>, problems: Problem[]): VideoLink[] {
  const seen = new Set<string>();
  return raw.videoLinks.map((link, i) => {
    for (const key of ['a', 'b'] as const)
      if (!nodeIds.has(link[key]))
        problems.push({
          path: ['videoLinks', i, key],
          message: `unknown node "${link[key]}"${didYouMean(link[key], nodeIds)}`,
        });
    if (seen.has(link.id))
      problems.push({ path: ['videoLinks', i, 'id'], message: `duplicate video link id "${link.id}"` });
    seen.add(link.id);
    link.meetings.forEach((meeting, m) => {
      if ('start' in meeting && Date.parse(meeting.end) <= Date.parse(meeting.start))
        problems.push({
          path: ['videoLinks', i, 'meetings', m, 'end'],
          message: 'a meeting must end after it starts',
        });
      if ('from' in meeting && meeting.to <= meeting.from)
        problems.push({
          path: ['videoLinks', i, 'meetings', m, 'to'],
          message: 'a meeting must end after it starts',
        });
    });
    return { ...link, a: asNodeId(link.a), b: asNodeId(link.b) };
  });
}

function checkPki(raw: RawInventory, nodeIds: Set<string>, problems: Problem[]): void {
  raw.pki?.branches.forEach((branch, i) =>
    branch.subtrees.forEach((root, j) => {
      if (!nodeIds.has(root))
        problems.push({
          path: ['pki', 'branches', i, 'subtrees', j],
          message: `unknown node "${root}"${didYouMean(root, nodeIds)}`,
        });
    }),
  );
}
