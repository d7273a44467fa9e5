/**
 * `collect --checks FILE` (or `checks:` in collect.yaml): the service checks run beside the poller,
 * confined like it to the collector's zone and, when collectors share an inventory, to the nodes
 * this one holds. Loaded on use: `egov-noc --help` does not pay for it.
 */
import type { EventBus } from '../../bus';
import type { RunningServiceChecks, ServiceCheck } from '../../collector';
import { formatConfigError, type Logger } from '../../common';
import type { NodeId, Zone } from '../../domain';
import type { Topology } from '../../inventory';
import type { MetricsStore } from '../../metrics';
import { fail } from '../fail';

/** Where checks are declared: the inventory's own `checks:` list, or a checks file. */
export interface ChecksSource {
  file: string;
  inInventory: boolean;
}

/** Every check of one source, or exit: every problem as file:line field: message and exit 2. */
async function checksOf(source: ChecksSource, topology: Topology): Promise<ServiceCheck[]> {
  const { loadChecks } = await import('../../collector');
  const loaded = loadChecks(source.file, topology, source.inInventory);
  if (loaded.ok) return loaded.checks;
  const [first] = loaded.errors;
  if (first?.field === '(file)') return fail(`${source.file}: ${first.message}`);
  for (const error of loaded.errors) process.stderr.write(`${formatConfigError(error)}\n`);
  return fail(`${loaded.errors.length} problem(s) in ${source.file}`, 2);
}

/**
 * The checks this collector runs (its zone's), from the inventory and/or a checks file, checked
 * like the inventory before anything is polled; one id declared in both is refused.
 */
export async function readChecks(
  sources: readonly ChecksSource[],
  topology: Topology,
  zone: Zone | undefined,
): Promise<ServiceCheck[]> {
  const all: ServiceCheck[] = [];
  const declaredIn = new Map<string, string>();
  for (const source of sources)
    for (const check of await checksOf(source, topology)) {
      const earlier = declaredIn.get(check.id);
      if (earlier !== undefined)
        return fail(`service check "${check.id}" is declared in both ${earlier} and ${source.file}`, 2);
      declaredIn.set(check.id, source.file);
      all.push(check);
    }
  const checks = all.filter((check) => zone === undefined || topology.node(check.node).zone === zone);
  const skipped = all.length - checks.length;
  console.log(
    `egov-noc collect: ${checks.length} service check(s) from ${sources.map((s) => s.file).join(' and ')}` +
      (skipped > 0 ? `; ${skipped} on nodes of other zones not run` : ''),
  );
  return checks;
}

export interface ChecksSetup {
  checks: ServiceCheck[];
  store: MetricsStore;
  bus: EventBus;
  logger: Logger;
  owns?: (node: NodeId) => boolean;
  /** Where defacement baselines persist (<stateDir>/check-baselines.sqlite). */
  stateDir: string;
}

/** The running checks; a state directory that cannot hold the baselines is one clear line and exit 1. */
export async function startChecks(setup: ChecksSetup): Promise<RunningServiceChecks> {
  const { startServiceChecks } = await import('../../collector');
  try {
    return startServiceChecks({
      checks: setup.checks,
      store: setup.store,
      bus: setup.bus,
      logger: setup.logger,
      stateDir: setup.stateDir,
      ...(setup.owns ? { owns: setup.owns } : {}),
    });
  } catch (error) {
    return fail(
      `--state-dir ${setup.stateDir}: cannot keep the checks' baselines: ${(error as Error).message}`,
    );
  }
}
