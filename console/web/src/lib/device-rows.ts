/**
 * The device table's rows: filter, sort and CSV for thousands of nodes, pure so the table stays a
 * thin view and the rules are testable.
 */
import { csvDocument } from '../../../../domain';
import { isFault, statusRank, type NodeStatus, type TopologyNodeView } from '../../../shared';

export type DeviceColumn = 'status' | 'name' | 'address' | 'tier' | 'zone' | 'role' | 'vendor';

export interface DeviceFilter {
  text: string;
  /** 'all', 'faults' (anything an operator must look at) or one status. */
  status: 'all' | 'faults' | NodeStatus;
  tier: string;
  zone: string;
  vendor: string;
}

export interface DeviceSort {
  column: DeviceColumn;
  descending: boolean;
}

export const NO_FILTER: DeviceFilter = { text: '', status: 'all', tier: 'all', zone: 'all', vendor: 'all' };

export function filterFromParam(param: string | null): DeviceFilter {
  const params = new URLSearchParams(param ?? '');
  return {
    text: params.get('q') ?? '',
    status: (params.get('status') as DeviceFilter['status'] | null) ?? 'all',
    tier: params.get('tier') ?? 'all',
    zone: params.get('zone') ?? 'all',
    vendor: params.get('vendor') ?? 'all',
  };
}

export function filterDevices(
  nodes: readonly TopologyNodeView[],
  filter: DeviceFilter,
  statusOf: (id: string) => NodeStatus,
): TopologyNodeView[] {
  const text = filter.text.trim().toLowerCase();
  return nodes.filter((n) => {
    if (filter.tier !== 'all' && n.tier !== filter.tier) return false;
    if (filter.zone !== 'all' && n.zone !== filter.zone) return false;
    if (filter.vendor !== 'all' && n.vendor !== filter.vendor) return false;
    if (filter.status !== 'all') {
      const status = statusOf(n.id);
      if (filter.status === 'faults' ? !isFault(status) : status !== filter.status) return false;
    }
    if (text === '') return true;
    return n.name.toLowerCase().includes(text) || n.id.includes(text) || n.address.startsWith(text);
  });
}

export function sortDevices(
  rows: TopologyNodeView[],
  sort: DeviceSort,
  statusOf: (id: string) => NodeStatus,
): TopologyNodeView[] {
  const key = (n: TopologyNodeView): string | number => {
    switch (sort.column) {
      case 'status':
        return statusRank(statusOf(n.id));
      case 'address':
        return addressKey(n.address);
      case 'vendor':
        return `${n.vendor} ${n.model}`;
      case 'name':
      case 'tier':
      case 'zone':
      case 'role':
        return n[sort.column];
    }
  };
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((n) => ({ n, k: key(n) }))
    .sort((a, b) => sign * compare(a.k, b.k) || a.n.id.localeCompare(b.n.id))
    .map((e) => e.n);
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/** 10.2.3.4 sorts before 10.10.0.1: each octet as a number. */
function addressKey(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + (Number(octet) || 0), 0);
}

/** RFC 4180 CSV with a BOM; formula cells neutralised (domain/csv.ts, shared with every export). */
export function devicesCsv(
  rows: readonly TopologyNodeView[],
  header: readonly string[],
  statusText: (id: string) => string,
): string {
  return csvDocument([
    header,
    ...rows.map((n) => [
      statusText(n.id),
      n.name,
      n.id,
      n.address,
      n.tier,
      n.zone,
      n.role,
      n.vendor,
      n.model,
    ]),
  ]);
}
