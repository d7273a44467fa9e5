/**
 * The compiled app (dist/, built by the tests' global setup from the current sources) as the image
 * ships it: what it imports at start-up, and that it runs from the image's /app, staged without Docker.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, stageImageApp } from './support';

const dist = join(repoRoot, 'dist');
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const STATIC_IMPORT = /^(?:import|export)\s[^;]*?\sfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gm;
const ANY_IMPORT = /(?:\sfrom\s*|^import\s*|import\()"([^"]+)"/gm;

function specifiers(file: string, pattern: RegExp): string[] {
  const text = readFileSync(join(dist, file), 'utf8');
  return [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? '');
}

const packageName = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

/** npm packages a file and the chunks it imports statically load before its first line runs. */
function loadedAtStart(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of specifiers(file, STATIC_IMPORT)) {
      if (specifier.startsWith('./')) visit(specifier.slice(2));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier))
        packages.add(packageName(specifier));
    }
  };
  visit(entry);
  return packages;
}

describe('dist/, the compiled app', () => {
  it('the CLI and the worker entry points load only production dependencies at start', () => {
    for (const entry of ['egov-noc.js', 'bench-sim-load.js', 'bench-sim-agents.js']) {
      const devOnly = [...loadedAtStart(entry)].filter(
        (name) => packageJson.dependencies[name] === undefined,
      );
      expect(devOnly, `${entry} imports dev dependencies the image does not have`).toEqual([]);
    }
  });

  it('without it, bin/egov-noc.js says to build instead of failing on a missing module', () => {
    const app = mkdtempSync(join(tmpdir(), 'egov-noc-unbuilt-'));
    cpSync(join(repoRoot, 'bin'), join(app, 'bin'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(app, 'package.json'));
    let failure: { status: number | null; stderr: string } = { status: 0, stderr: '' };
    try {
      execFileSync(process.execPath, [join(app, 'bin/egov-noc.js'), '--help'], { stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number | null; stderr: string };
    }
    expect(failure.status).toBe(1);
    expect(String(failure.stderr)).toBe(
      'egov-noc: dist/egov-noc.js is missing; build it first with `npm run build`\n',
    );
  });

  it('nothing in it imports a TypeScript transpiler', () => {
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    const transpilers = files.flatMap((file) =>
      specifiers(file, ANY_IMPORT)
        .map(packageName)
        .filter((name) => ['tsx', 'typescript', 'esbuild', 'ts-node'].includes(name))
        .map((name) => `${file} imports ${name}`),
    );
    expect(transpilers).toEqual([]);
  });
});

describe("the image's /app (no TypeScript sources, no test/)", () => {
  const running: ReturnType<typeof spawn>[] = [];
  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.exitCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT'); // Ctrl-C, so the demo removes its temp state
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });

  function start(args: string[]): {
    output: () => string;
    running: () => boolean;
    exited: Promise<number | null>;
  } {
    const app = stageImageApp();
    const child = spawn(process.execPath, [join(app, 'bin/egov-noc.js'), ...args], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: app, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { output: () => output, running: () => child.exitCode === null, exited };
  }

  it('egov-noc --help lists the commands', async () => {
    const help = start(['--help']);
    expect(await help.exited, help.output()).toBe(0);
    expect(help.output()).toMatch(/Usage: egov-noc/);
    expect(help.output()).toMatch(/\bbench\b/);
  });

  it('the demo starts: alert rules and the web build are found from dist/ where the sources had them', async () => {
    const demo = start(['demo', '--port', '0']);
    let url = '';
    await expect
      .poll(
        () => {
          url = /控制台 console:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(demo.output())?.[1] ?? '';
          return url !== '' || !demo.running();
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(true);
    expect(url, demo.output()).not.toBe('');
    const page = await fetch(url);
    if (existsSync(join(repoRoot, 'console/web/dist/index.html'))) {
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html lang="zh-CN">');
    }
  });
});
