/**
 * Compiles the TypeScript sources to JavaScript in dist/, once, so nothing transpiles at run time:
 * `npm run build` (or `node scripts/build.js [--quiet]`). bin/egov-noc.js runs dist/egov-noc.js.
 *
 *   - One bundle per entry point (the CLI and the benchmark's worker processes), code shared between
 *     them in chunks; a lazily loaded command (`bench`, …) stays a lazy chunk, so `--help` parses
 *     only what it needs. npm packages stay imports (`--packages=external`): node_modules ships as is.
 *   - Every output file lands directly in dist/, so a source file's `import.meta.url` can be rewritten
 *     to the URL its source had (`new URL('../alerts/rules/load.ts', import.meta.url)`): the paths
 *     modules compute from it (configs/alert-rules.yaml, console/web/dist, a worker's compiled entry)
 *     resolve as they do from the sources, in a clone and in the image alike.
 *   - Files are written only when their content changed, each by an atomic rename, because tests
 *     running at the same time may be starting bin/egov-noc.js; outputs of earlier builds are removed
 *     once they are an hour old (a running process may still load one of its lazy chunks).
 */
import { build as esbuild } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');

/** Output name (dist/NAME.js) → source. Worker entry points are listed here, next to the CLI. */
export const ENTRY_POINTS = {
  'egov-noc': 'cli/main.ts',
  'bench-sim-load': 'bench/sim-load.ts',
  'bench-sim-agents': 'bench/sim-agents.ts',
  'bench-syslog-sender': 'bench/support/syslog-sender.ts',
  'metrics-writer': 'metrics/embedded/writer-worker.ts',
  'logs-writer': 'logs/store/sqlite/writer-worker.ts',
};

const STALE_AFTER_MS = 60 * 60 * 1000;

/** Rewrites `import.meta.url` in each project source to the URL of that source file (see above). */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const file = relative(ROOT, args.path);
      const unsupported = text.match(/import\.meta\.(dirname|filename)\b/);
      if (unsupported) {
        return {
          errors: [
            { text: `${file}: use import.meta.url instead of ${unsupported[0]} (see scripts/build.js)` },
          ],
        };
      }
      const fromDist = JSON.stringify(`../${file.split('\\').join('/')}`);
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${fromDist}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

/** Builds dist/ and returns esbuild's metafile (which output imports what). */
export async function build() {
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRY_POINTS).map(([name, src]) => [name, join(ROOT, src)]),
    ),
    outdir: DIST,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [sourceUrlPlugin],
  });
  mkdirSync(DIST, { recursive: true });
  const written = new Set();
  // Chunks before entry points: an entry must never be visible before the chunks it imports.
  const files = [...result.outputFiles].sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)));
  for (const file of files) {
    writeIfChanged(file.path, file.contents);
    written.add(file.path);
  }
  removeStale(written);
  return result.metafile;
}

function isEntry(path) {
  const name = relative(DIST, path).replace(/\.js(\.map)?$/, '');
  return name in ENTRY_POINTS;
}

function writeIfChanged(path, contents) {
  if (existsSync(path) && Buffer.compare(readFileSync(path), contents) === 0) return;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

function removeStale(written) {
  const now = Date.now();
  for (const name of readdirSync(DIST)) {
    const path = join(DIST, name);
    if (written.has(path)) continue;
    if (now - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await build();
  const ms = Math.round(performance.now() - started);
  if (!process.argv.includes('--quiet')) console.log(`built ${relative(process.cwd(), DIST)}/ in ${ms} ms`);
}
