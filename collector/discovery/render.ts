/**
 * The proposal as inventory YAML in the examples' style: one flow mapping per node and per link, so a
 * diff of two proposals reads line by line. Strings are written as JSON strings, which YAML reads
 * as double-quoted scalars; guessed fields are named in a comment at the end of the line.
 */
import type { Proposal, ProposedLink, ProposedNode } from './proposal';

const q = (value: string) => JSON.stringify(value);

function flow(entries: Array<[string, unknown]>): string {
  const parts = entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? q(v) : JSON.stringify(v)}`);
  return `{ ${parts.join(', ')} }`;
}

export function nodeLine(n: ProposedNode): string {
  const line = flow([
    ['id', n.id],
    ['name', n.name],
    ['tier', n.tier],
    ['zone', n.zone],
    ['role', n.role],
    ['vendor', n.vendor],
    ['model', n.model],
    ['address', n.address],
    ['credentials', n.credentials],
    ['parent', n.parent ?? undefined],
    ['location', n.location],
    ['ports', n.ports],
    ['interfaces', n.interfaces],
    ['dnsNames', n.dnsNames],
    ['bridges', n.bridges],
  ]);
  const unknown = [!n.discovered.vendor && 'vendor', !n.discovered.model && 'model'].filter(Boolean);
  const notes = [
    n.guessed.length > 0 ? `guessed: ${n.guessed.join(', ')}` : '',
    unknown.length > 0 ? `not reported by the device: ${unknown.join(', ')}` : '',
  ].filter(Boolean);
  return `  - ${line}${notes.length > 0 ? `   # ${notes.join('; ')}` : ''}`;
}

export function linkLine(l: ProposedLink): string {
  const line = flow([
    ['id', l.id],
    ['a', l.a],
    ['b', l.b],
    ['capacityMbps', l.capacityMbps],
    ['medium', l.medium],
    ['slaPct', l.slaPct],
  ]);
  return `  - ${line}${l.guessed.length > 0 ? `   # guessed: ${l.guessed.join(', ')}` : ''}`;
}

export function renderProposal(proposal: Proposal, header: readonly string[]): string {
  const lines = [
    ...header.map((h) => `# ${h}`),
    `network: ${flow(Object.entries(proposal.network))}`,
    `credentialsFile: ${q(proposal.credentialsFile)}`,
    `polling: ${JSON.stringify(proposal.polling)}`,
    'nodes:',
    ...proposal.nodes.map(nodeLine),
  ];
  if (proposal.links.length > 0) lines.push('links:', ...proposal.links.map(linkLine));
  if (proposal.videoLinks.length > 0)
    lines.push('videoLinks:', ...proposal.videoLinks.map((v) => `  - ${JSON.stringify(v)}`));
  if (proposal.pki) lines.push(`pki: ${JSON.stringify(proposal.pki)}`);
  return `${lines.join('\n')}\n`;
}
