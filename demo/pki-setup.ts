import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus } from '../bus';
import { writePrivateFile, type Logger } from '../common';
import { startPkiSchedule } from '../console/server';
import { type Topology } from '../inventory';
import { directoryFromTopology, initCa, openCa, type PkiService } from '../pki';
import { defaultPkiFor } from './default-pki';

/**
 * The demo's certificate authority: created on first start from the inventory's `pki:` section (or,
 * without one, a root and a branch per city: `defaultPkiFor`),
 * with a few node certificates already issued (one close to expiry, so the screen has something to say).
 */
export interface DemoPki {
  service: PkiService;
  stopSchedule: () => void;
}

/** The CA passphrase given (the CLI's EGOV_CA_PASSPHRASE), or one generated for this demo state dir (file mode 0600). */
function demoPassphrase(stateDir: string, given: string | undefined): string {
  if (given) return given;
  const file = join(stateDir, 'ca-passphrase');
  if (!existsSync(file)) writePrivateFile(file, randomBytes(24).toString('base64url'));
  return readFileSync(file, 'utf8').trim();
}

export function startDemoPki(
  topology: Topology,
  bus: EventBus,
  stateDir: string,
  publicBaseUrl: string,
  log: Logger,
  givenPassphrase?: string,
): DemoPki {
  const pki = topology.inventory.pki ?? defaultPkiFor(topology);
  const dir = join(stateDir, 'ca');
  const passphrase = demoPassphrase(stateDir, givenPassphrase);
  const fresh = !existsSync(join(dir, 'ca.json'));
  if (fresh) {
    const created = initCa(dir, {
      pki: { ...pki, publicBaseUrl },
      passphrase,
      inventoryPath: topology.inventory.file,
      actor: 'demo',
    });
    if (!created.ok) throw new Error(`demo CA: ${created.reason}`);
  }
  const opened = openCa(dir, passphrase, { nodes: directoryFromTopology(topology) });
  if (!opened.ok) throw new Error(`demo CA: ${opened.reason}`);
  const service = opened.value;
  if (fresh) issueDemoCertificates(service, topology);

  const stopSchedule = startPkiSchedule({ pki: service, bus, topology, passphrase, log, intervalMs: 60_000 });
  return { service, stopSchedule };
}

/** Router certificates for the core and the first counties; the last one expires in 5 days. */
function issueDemoCertificates(service: PkiService, topology: Topology): void {
  const routers = topology.nodes.filter((node) => node.role === 'router').slice(0, 6);
  routers.forEach((node, i) => {
    const last = i === routers.length - 1;
    const issued = service.issueWithGeneratedKey({
      nodeId: node.id,
      profile: 'router',
      keyType: 'p256',
      validityDays: last ? 5 : 365,
      actor: 'demo',
    });
    if (!issued.ok) throw new Error(`demo certificate for ${node.id}: ${issued.reason}`);
  });
}
