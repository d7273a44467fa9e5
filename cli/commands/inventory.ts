import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_GENERATE } from '../../inventory/generate-options';
import { fail } from '../fail';

const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`expected a whole number, got "${value}"`);
  return n;
};

/** The inventory's own `checks:` list, checked as the collector will (file:line, exit 2); how many. */
async function serviceChecksIn(
  file: string,
  declared: number,
  topology: import('../../inventory').Topology,
): Promise<number> {
  if (declared === 0) return 0;
  const { loadChecks } = await import('../../collector');
  const { formatConfigError } = await import('../../common');
  const loaded = loadChecks(file, topology, true);
  if (loaded.ok) return loaded.checks.length;
  for (const error of loaded.errors) process.stderr.write(`${formatConfigError(error)}\n`);
  return fail(`${loaded.errors.length} error(s) in ${file}`, 2);
}

export function registerInventoryCommand(program: Command): void {
  const inventory = program.command('inventory').description('check and generate network inventories');

  inventory
    .command('check')
    .description('validate an inventory file (and its credentials file); print a summary or every error')
    .argument('<file>', 'inventory YAML')
    .action(async (file: string) => {
      const { formatInventoryError, loadInventory } = await import('../../inventory');
      const result = loadInventory(file);
      if (!result.ok) {
        for (const error of result.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
        fail(`${result.errors.length} error(s) in ${file}`, 2);
      }
      const { topology } = result;
      const checks = await serviceChecksIn(file, result.inventory.serviceCheckCount, topology);
      const byTier = new Map<string, number>();
      for (const node of topology.nodes) byTier.set(node.tier, (byTier.get(node.tier) ?? 0) + 1);
      console.log(
        `${topology.network.name} (${topology.network.id}): ${topology.size} nodes, ${topology.links.length} links, ${topology.videoLinks.length} video links`,
      );
      console.log(`tiers: ${[...byTier].map(([tier, n]) => `${tier} ${n}`).join(', ')}`);
      if (checks > 0) console.log(`service checks: ${checks}`);
    });

  inventory
    .command('generate')
    .description('generate a large, deterministic province network for scale tests')
    .option('--seed <n>', 'random seed', int, DEFAULT_GENERATE.seed)
    .option('--cities <n>', 'cities in the province', int, DEFAULT_GENERATE.cities)
    .option('--counties <n>', 'counties per city', int, DEFAULT_GENERATE.countiesPerCity)
    .option(
      '--nodes-per-county <n>',
      'nodes per county (gateway, video codec, townships, departments)',
      int,
      DEFAULT_GENERATE.nodesPerCounty,
    )
    .option('--out <file>', 'write here instead of standard output')
    .action(
      async (opts: {
        seed: number;
        cities: number;
        counties: number;
        nodesPerCounty: number;
        out?: string;
      }) => {
        const { generateInventoryYaml } = await import('../../inventory/generate');
        const yaml = generateInventoryYaml({
          seed: opts.seed,
          cities: opts.cities,
          countiesPerCity: opts.counties,
          nodesPerCounty: opts.nodesPerCounty,
        });
        if (opts.out) writeFileSync(opts.out, yaml);
        else process.stdout.write(yaml);
      },
    );
}
