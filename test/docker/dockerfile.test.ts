/** docker/Dockerfile, checked without Docker: stages, user, healthcheck, and that what it copies exists. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerDir, exists, readDockerfile, repoRoot, stageImageApp } from './support';

const instructions = readDockerfile();
const inStage = (stage: string, keyword: string) =>
  instructions.filter((i) => i.stage === stage && i.keyword === keyword);
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('docker/Dockerfile', () => {
  it('is multi-stage on node:20-bookworm-slim: build compiles dist/ and the web app, deps installs production packages only', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms).toEqual([
      '${NODE_IMAGE} AS toolchain',
      'toolchain AS build',
      'toolchain AS deps',
      '${NODE_IMAGE} AS runtime',
    ]);
    expect(instructions.find((i) => i.keyword === 'ARG')?.args).toBe('NODE_IMAGE=node:20-bookworm-slim');
    const runs = (stage: string) =>
      inStage(stage, 'RUN')
        .map((i) => i.args)
        .join('\n');
    expect(runs('build')).toContain('npm ci');
    expect(runs('build')).toContain('npm run build ');
    expect(runs('build')).toContain('npm run build:web');
    expect(runs('deps')).toContain('npm ci --omit=dev');
    expect(packageJson.scripts.build).toBe('node scripts/build.js');
    expect(packageJson.scripts['build:web']).toBeDefined();
  });

  it('the runtime ships JavaScript only: dist/, bin/, production node_modules (with the native addon they link to), the web build, configs, the healthcheck', () => {
    const copied = inStage('runtime', 'COPY')
      .filter((i) => i.args.startsWith('--from='))
      .map((i) => i.args);
    expect(copied.sort()).toEqual(
      [
        '--from=deps /app/node_modules /app/node_modules',
        '--from=deps /app/native /app/native',
        '--from=build /app/package.json /app/package.json',
        '--from=build /app/bin /app/bin',
        '--from=build /app/dist /app/dist',
        '--from=build /app/console/web/dist /app/console/web/dist',
        '--from=build /app/configs /app/configs',
        '--from=build /app/docker/healthcheck.js /app/docker/healthcheck.js',
      ].sort(),
    );
    const app = stageImageApp();
    const shipped = readdirSync(app, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(app.length + 1));
    expect(shipped.filter((f) => /\.(ts|svelte)$/.test(f))).toEqual([]);
    expect(shipped).toContain('dist/egov-noc.js');
    expect(packageJson.dependencies.tsx).toBeUndefined();
  });

  it('runtime runs as the unprivileged node user, with a healthcheck and the egov-noc entrypoint', () => {
    const users = inStage('runtime', 'USER').map((i) => i.args);
    expect(users).toEqual(['node']);
    expect(inStage('runtime', 'HEALTHCHECK')[0]?.args).toMatch(
      /CMD \["node", "\/app\/docker\/healthcheck\.js"\]/,
    );
    expect(inStage('runtime', 'ENTRYPOINT')[0]?.args).toBe('["egov-noc-entrypoint"]');
  });

  it('every COPY source exists in the build context (the repository root) and is not excluded by the dockerignore', () => {
    const ignore = readFileSync(join(dockerDir, 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const copies = instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='));
    expect(copies.length).toBeGreaterThanOrEqual(3);
    // The healthcheck runs from /app/docker (an ES module under the app's package.json).
    expect(exists(repoRoot, 'docker/healthcheck.js')).toBe(true);
    for (const copy of copies) {
      const parts = copy.args.split(' ').filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        expect(exists(repoRoot, source), `COPY ${source}`).toBe(true);
        if (source !== '.') expect(ignore, `${source} is dockerignored`).not.toContain(source);
      }
    }
  });

  it('the build context leaves out local state, dependencies, local builds and real secrets', () => {
    const ignore = readFileSync(join(dockerDir, 'Dockerfile.dockerignore'), 'utf8');
    for (const pattern of [
      'node_modules',
      'dist',
      '.git',
      '.data',
      'docker/*.env',
      'docker/.env',
      '*.p12',
      'configs/*',
    ]) {
      expect(ignore.split('\n'), pattern).toContain(pattern);
    }
  });

  it("the operator's configs (inventory, SNMP credentials) stay out of the image; only the shipped examples go in", () => {
    const lines = readFileSync(join(dockerDir, 'Dockerfile.dockerignore'), 'utf8').split('\n');
    const excludeAll = lines.indexOf('configs/*');
    expect(excludeAll).toBeGreaterThanOrEqual(0);
    const reincluded = lines.slice(excludeAll + 1).filter((l) => l.startsWith('!configs/'));
    expect(reincluded.sort()).toEqual(['!configs/alert-rules.yaml', '!configs/examples']);
    expect(exists(repoRoot, 'configs/examples/nanyang.yaml')).toBe(true);
  });

  it('every package the product imports at run time is a dependency (the image prunes dev dependencies)', () => {
    const runtimeDirs = [
      'bin',
      'cli',
      'inventory',
      'bus',
      'simulator',
      'collector',
      'metrics',
      'alerts',
      'pki',
      'console/server',
      'console/shared',
      'grafana',
      'demo',
    ];
    const builtins = new Set(['node']);
    const missing = new Set<string>();
    for (const dir of runtimeDirs.filter((d) => exists(repoRoot, d))) {
      for (const file of sourceFiles(join(repoRoot, dir))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(
          /^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
        )) {
          const specifier = m[1] ?? m[2] ?? '';
          if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
          const name = specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : (specifier.split('/')[0] ?? '');
          if (builtins.has(name)) continue;
          if (packageJson.dependencies[name] === undefined)
            missing.add(`${name} (${file.slice(repoRoot.length + 1)})`);
        }
      }
    }
    expect([...missing], 'move these to "dependencies" in package.json').toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}
