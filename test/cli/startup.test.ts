import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Metafile {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}

/** npm packages dist/egov-noc.js loads before any command runs (its static import graph). */
function packagesLoadedAtStart(meta: Metafile): string[] {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string): void => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of meta.outputs[output]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external !== true) visit(imported.path);
      else if (!imported.path.startsWith('node:')) packages.add(imported.path);
    }
  };
  visit('dist/egov-noc.js');
  return [...packages].sort();
}

describe('CLI start-up', () => {
  it('loads only commander before a command runs: each command imports what it needs when it runs', async () => {
    // scripts/build.js is plain JavaScript (no types): it returns esbuild's metafile.
    const buildScript = new URL('../../scripts/build.js', import.meta.url).href;
    const { build } = (await import(buildScript)) as { build: () => Promise<Metafile> };
    const meta = await build();
    expect(packagesLoadedAtStart(meta)).toEqual(['commander']);
  });

  it('still lists every command and its option defaults in --help', () => {
    const help = (...args: string[]) =>
      execFileSync('node', ['bin/egov-noc.js', ...args, '--help'], { encoding: 'utf8' });
    const top = help();
    for (const command of [
      'inventory',
      'ca',
      'influx',
      'bench',
      'grafana',
      'simulate',
      'fault',
      'demo',
      'serve',
      'user',
      'collect',
    ])
      expect(top).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(help('inventory', 'generate')).toMatch(/--cities <n>.*\(default: 21\)/);
    expect(help('ca', 'revoke')).toMatch(/keyCompromise/);
    expect(help('influx', 'check')).toMatch(/--raw-days <n>.*\(default: 7\)/);
    expect(help('simulate')).toMatch(/simulator-control\.json/);
  });
});
