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

/**
 * The checks of the file that this collector runs (its zone's); every problem as file:line field:
 * message and exit 2, like the inventory — before anything is polled.
 */
export async function readChecks(
  file: string,
  topology: Topology,
  zone: Zone | undefined,
): Promise<ServiceCheck[]> {
  const { loadChecks } = await import('../../collector');
  const loaded = loadChecks(file, topology);
  if (!loaded.ok) {
    const [first] = loaded.errors;
    if (first?.field === '(file)') return fail(`${file}: ${first.message}`);
    for (const error of loaded.errors) process.stderr.write(`${formatConfigError(error)}\n`);
    return fail(`${loaded.errors.length} problem(s) in ${file}`, 2);
  }
  const checks = loaded.checks.filter(
    (check) => zone === undefined || topology.node(check.node).zone === zone,
  );
  const skipped = loaded.checks.length - checks.length;
  console.log(
    `egov-noc collect: ${checks.length} service check(s) from ${file}` +
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
