/**
 * What the runtime image's /app would hold, computed without Docker (it cannot run on the machines
 * this is built on): the production node_modules (`npm ci --omit=dev`: every package in the lockfile
 * not marked dev-only, measured in the installed node_modules) plus the given app files and folders.
 *   node scripts/image-size.js [--lock package-lock.json] dist bin package.json ...
 * Prints the sizes in MB. The Node base image is the same before and after, so it is left out.
 */
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { lock: { type: 'string', default: 'package-lock.json' } },
  allowPositionals: true,
});

function bytesOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of readdirSync(path)) total += bytesOf(join(path, name));
  return total;
}

const lock = JSON.parse(readFileSync(values.lock, 'utf8'));
const production = Object.entries(lock.packages).filter(
  ([path, meta]) => path.startsWith('node_modules/') && meta.dev !== true,
);
const missing = production.filter(([path]) => !existsSync(path)).map(([path]) => path);
// Nested packages are counted inside their parent's folder already.
const topLevel = production.filter(
  ([path]) => !path.slice('node_modules/'.length).includes('/node_modules/'),
);
const nodeModules = topLevel
  .filter(([path]) => existsSync(path))
  .reduce((sum, [path]) => sum + bytesOf(path), 0);
const app = positionals.reduce((sum, path) => sum + bytesOf(path), 0);
const mb = (bytes) => (bytes / 1e6).toFixed(1);
console.log(`production node_modules: ${mb(nodeModules)} MB (${production.length} packages)`);
console.log(`app files: ${mb(app)} MB`);
console.log(`total: ${mb(nodeModules + app)} MB`);
if (missing.length > 0) console.log(`not installed here (optional for another platform): ${missing.length}`);
